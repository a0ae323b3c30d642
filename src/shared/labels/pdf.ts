/**
 * Shelf labels (Ley 27.743) as a PDF to download: the same content as the web page's labels —
 * product name, final price, price without national taxes, price per kg or litre, barcode
 * (EAN-13 when valid, Code 128 otherwise) — on an A4 sheet (3 × 7 labels per page) or on
 * thermal rolls of 58 mm or 80 mm (one label per page, as label printers feed them).
 *
 * Text in DejaVu Sans Condensed from the dejavu-fonts-ttf package, embedded (subset) in the PDF:
 * the standard Helvetica has every Spanish letter too, but is not embedded, so each viewer and
 * printer driver substitutes its own font with other widths; embedded, the label prints as
 * rendered here. Barcodes rendered by bwip-js as PNG at print resolution.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import bwipjs from 'bwip-js';
import PDFDocument from 'pdfkit';
import { barcodeFormat } from '../domain/labels.js';

export type LabelPdfFormat = 'a4' | '58' | '80';
export const LABEL_PDF_FORMATS: readonly LabelPdfFormat[] = ['a4', '58', '80'];

/** What a printed label needs (a subset of the API's shelf label). */
export interface PdfLabel {
  sku: string;
  name: string;
  price: string;
  priceWithoutNationalTaxes: string;
  unitPrice: string | null;
  unitPricePer: 'kg' | 'l' | null;
  barcode: string | null;
}

const MM = 72 / 25.4;
const FONTS_DIR = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const REGULAR = join(FONTS_DIR, 'DejaVuSansCondensed.ttf');
const BOLD = join(FONTS_DIR, 'DejaVuSansCondensed-Bold.ttf');

interface Layout {
  /** Page size in points. */
  page: [number, number];
  margin: number;
  /** Label box in points; on thermal formats it fills the page inside the margin. */
  label: [number, number];
  gap: number;
  cols: number;
  rows: number;
  /** Font sizes (points) of name, price and the small lines. */
  font: { name: number; price: number; small: number };
}

/** Page geometry; the A4 grid and thermal sizes match the web page's print CSS. */
export const LABEL_LAYOUTS: Record<LabelPdfFormat, Layout> = {
  a4: { page: [210 * MM, 297 * MM], margin: 8 * MM, label: [63 * MM, 38 * MM], gap: 2 * MM, cols: 3, rows: 7, font: { name: 9, price: 22, small: 6.5 } },
  '58': { page: [58 * MM, 40 * MM], margin: 2 * MM, label: [54 * MM, 36 * MM], gap: 0, cols: 1, rows: 1, font: { name: 8.5, price: 20, small: 6 } },
  '80': { page: [80 * MM, 45 * MM], margin: 2 * MM, label: [76 * MM, 41 * MM], gap: 0, cols: 1, rows: 1, font: { name: 10, price: 24, small: 7 } },
};

const moneyFmt = new Intl.NumberFormat('es-AR', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
/** `$ 1.234,56`, as the web app writes money. */
export const labelMoney = (v: string) => `$ ${moneyFmt.format(Number(v))}`;
const per = { kg: 'kilo', l: 'litro' } as const;

/** The barcode as a PNG (bwip-js, ~12 px per mm), or null when the product has no printable code. */
async function barcodePng(code: string | null): Promise<Buffer | null> {
  const format = barcodeFormat(code);
  if (!format) return null;
  return bwipjs.toBuffer({ bcid: format, text: code!.trim(), includetext: true, textxalign: 'center', height: 10, scale: 4 });
}

/** Renders the labels in order; an empty list still gives one blank page (a valid PDF). */
export async function renderLabelsPdf(labels: PdfLabel[], format: LabelPdfFormat, title = 'Etiquetas de góndola'): Promise<Buffer> {
  const layout = LABEL_LAYOUTS[format];
  const doc = new PDFDocument({ size: layout.page, margin: 0, autoFirstPage: false, info: { Title: title, Creator: 'Gondola' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('regular', REGULAR);
  doc.registerFont('bold', BOLD);
  const perPage = layout.cols * layout.rows;
  if (!labels.length) doc.addPage();
  for (const [i, label] of labels.entries()) {
    const slot = i % perPage;
    if (slot === 0) doc.addPage();
    const col = slot % layout.cols;
    const row = Math.floor(slot / layout.cols);
    const x = layout.margin + col * (layout.label[0] + layout.gap);
    const y = layout.margin + row * (layout.label[1] + layout.gap);
    await drawLabel(doc, label, x, y, layout);
  }
  doc.end();
  return done;
}

async function drawLabel(doc: PDFKit.PDFDocument, l: PdfLabel, x: number, y: number, layout: Layout): Promise<void> {
  const [w, h] = layout.label;
  const pad = 2 * MM;
  const inner = w - 2 * pad;
  if (layout.cols > 1) doc.save().lineWidth(0.5).dash(2, { space: 2 }).strokeColor('#999999').rect(x, y, w, h).stroke().undash().restore();
  doc.fillColor('#000000');
  let cy = y + pad;
  doc.font('bold').fontSize(layout.font.name);
  // Two lines at most; a longer name ends in an ellipsis rather than pushing the price off the label.
  const nameHeight = Math.min(doc.heightOfString(l.name, { width: inner }), doc.currentLineHeight(true) * 2);
  doc.text(l.name, x + pad, cy, { width: inner, height: nameHeight, ellipsis: true, lineBreak: true });
  cy += nameHeight + 1;
  doc.font('bold').fontSize(layout.font.price);
  doc.text(labelMoney(l.price), x + pad, cy, { width: inner, lineBreak: false });
  cy += doc.currentLineHeight() + 1;
  doc.font('regular').fontSize(layout.font.small);
  doc.text(`Precio sin impuestos nacionales: ${labelMoney(l.priceWithoutNationalTaxes)}`, x + pad, cy, { width: inner, lineBreak: false });
  cy += doc.currentLineHeight(true);
  if (l.unitPrice && l.unitPricePer) {
    doc.text(`Precio por ${per[l.unitPricePer]}: ${labelMoney(l.unitPrice)}`, x + pad, cy, { width: inner, lineBreak: false });
    cy += doc.currentLineHeight(true);
  }
  const png = await barcodePng(l.barcode);
  const room = y + h - pad - cy - 1;
  if (png && room > 4 * MM) {
    // Fit the barcode in what is left, never wider than the label nor taller than 12 mm.
    doc.image(png, x + pad, cy + 1, { fit: [inner, Math.min(room, 12 * MM)] });
  } else if (!png) {
    doc.text(`SKU ${l.sku}`, x + pad, cy + 1, { width: inner, lineBreak: false });
  }
}
