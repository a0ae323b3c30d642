import sharp from 'sharp';
import { assembleExtraction, type InvoiceExtraction } from '../../../shared/domain/invoice/assemble.js';
import { decodeFiscalQr, type FiscalQrData } from '../../../shared/domain/invoice/fiscal-qr.js';
import { parseInvoiceText, type ParsedInvoiceText, type TextLine } from '../../../shared/domain/invoice/parse-text.js';
import type { OcrPool } from './ocr-pool.js';
import { MAX_PDF_PAGES, openPdf, pdfTextLines, rasterizePage } from './pdf.js';
import { checkImageSize, pagePixelBudget } from './limits.js';
import { DEFAULT_PREPROCESS, preparePage, type PreprocessOptions } from './preprocess.js';
import { anchorCount, binarize, DEFAULT_PHOTO_PIPELINE, detectPage, flattenLight, flattenPage, grayToPng, grayToRgba, loadGray, rotateQuarter, textRowsTurn, type GrayImage, type PhotoPipelineOptions } from './photo.js';
import { readQrCodes } from './qr.js';
import { ExtractionTimeoutError, FiscalQrError, UnreadableFileError } from '../../../shared/errors.js';

export const SUPPORTED_MIME_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'image/webp'] as const;
export type InvoiceMimeType = (typeof SUPPORTED_MIME_TYPES)[number];

/** Scanned PDF pages are rendered at this resolution before OCR (and QR search). */
export const SCAN_DPI = 200;
/** Text PDFs are rendered only to find the QR; ZXing needs ~3 px per module. */
const QR_DPI = 200;
/** A second look for a QR the first rendering missed (small codes, thin modules). */
const QR_RETRY_DPI = 300;
/** Photos are decoded with their long side at most this (a 12 MP phone photo is 4000 px). */
const PHOTO_MAX_SIDE = 3200;
/** Fewer words than this that every invoice prints means the page may be upside down. */
const MIN_ANCHORS = 3;

export interface ExtractionTimings {
  qrMs: number;
  textMs: number;
  ocrMs: number;
  totalMs: number;
}

export interface ExtractionOutput {
  extraction: InvoiceExtraction;
  pages: number;
  /** Raw text of the fiscal QR when one was found, whether or not it decoded. */
  qrText: string | null;
  qrError: string | null;
  /** Lines the parser saw (for review and debugging). */
  printedLines: TextLine[];
  ocrConfidence: number | null;
  skewDeg: number | null;
  /** What the photo pipeline did to the first page: sheet found and flattened, quarter turns applied. */
  photo: { pageFound: boolean; turns: number; qrFoundBy: string | null; secondLook: boolean; headerLook: boolean } | null;
  timings: ExtractionTimings;
}

export interface ExtractOptions {
  ocr: OcrPool;
  preprocess?: PreprocessOptions;
  /** Steps of the photo pipeline (photos and scanned pages). */
  photo?: PhotoPipelineOptions;
  /** Checked between stages; the caller also enforces the deadline from outside. */
  signal?: AbortSignal;
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new ExtractionTimeoutError(0);
}

function fiscalQr(texts: string[]): { qr: FiscalQrData | null; text: string | null; error: string | null } {
  let firstError: string | null = null;
  for (const t of texts) {
    try {
      return { qr: decodeFiscalQr(t), text: t, error: null };
    } catch (err) {
      if (!(err instanceof FiscalQrError)) throw err;
      firstError ??= err.message;
    }
  }
  return { qr: null, text: texts[0] ?? null, error: firstError };
}

function rgbaToGray(r: { data: Uint8ClampedArray; width: number; height: number }): GrayImage {
  const out = new Uint8Array(r.width * r.height);
  for (let i = 0, j = 0; j < out.length; i += 4, j++) out[j] = (r.data[i]! * 77 + r.data[i + 1]! * 150 + r.data[i + 2]! * 29) >> 8;
  return { data: out, width: r.width, height: r.height };
}

const isFiscal = (texts: string[]) => texts.some((t) => {
  try {
    decodeFiscalQr(t);
    return true;
  } catch {
    return false;
  }
});

/** Tries the photo as it is, then a softened copy (sensor noise breaks QR finder patterns). */
async function qrFromImage(bytes: Buffer): Promise<string[]> {
  const direct = await readQrCodes(new Uint8Array(bytes));
  if (isFiscal(direct)) return direct;
  const softened = await sharp(bytes).rotate().toColourspace('b-w').blur(1.2).png({ compressionLevel: 1 }).toBuffer();
  const soft = await readQrCodes(new Uint8Array(softened));
  return soft.length ? soft : direct;
}

/**
 * Looks again for the fiscal QR on the upright, flattened page: whole, then in overlapping
 * crops of each corner (a small code is found where a whole page is too busy), then the same
 * crops enlarged twice.
 * Returns the texts and which attempt found them.
 */
async function searchQr(page: GrayImage, signal: AbortSignal | undefined): Promise<{ texts: string[]; by: string | null }> {
  const attempts: [string, () => ReturnType<typeof grayToRgba> | Promise<ReturnType<typeof grayToRgba>>][] = [['page', () => grayToRgba(page)]];
  const cw = Math.round(page.width * 0.55);
  const ch = Math.round(page.height * 0.45);
  const corners = [
    ['bottom-left', 0, page.height - ch],
    ['bottom-right', page.width - cw, page.height - ch],
    ['top-left', 0, 0],
    ['top-right', page.width - cw, 0],
  ] as const;
  for (const [name, x, y] of corners) attempts.push([`crop-${name}`, () => grayToRgba(page, { x, y, w: cw, h: ch })]);
  // Modules of 2–4 px after blur and JPEG: twice the size (Lanczos) gives the finder patterns back.
  for (const [name, x, y] of corners) attempts.push([`crop-${name}-x2`, async () => grayToRgba(await upscale2(page, { x, y, w: cw, h: ch }))]);
  // No binarized attempt: in the benchmark it never found a code the crops missed, and its
  // integral images cost ~140 MB on a 300 dpi page (the extraction process has a 700 MB budget).
  for (const [name, pixels] of attempts) {
    checkAborted(signal);
    const texts = await readQrCodes(await pixels());
    if (isFiscal(texts)) return { texts, by: name };
  }
  return { texts: [], by: null };
}

async function upscale2(page: GrayImage, c: { x: number; y: number; w: number; h: number }): Promise<GrayImage> {
  const crop = grayToRgba(page, c);
  const { data, info } = await sharp(Buffer.from(crop.data.buffer, crop.data.byteOffset, crop.data.length), { raw: { width: crop.width, height: crop.height, channels: 4 } })
    .resize({ width: crop.width * 2, kernel: 'lanczos3' })
    .grayscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

interface PageRead {
  lines: TextLine[];
  confidence: number;
  skewDeg: number;
  turns: number;
  /** The page was read a second time with the light evened out (see `secondLook`). */
  secondLook?: boolean;
}

/** The header fields an invoice is posted by: one missing on the first reading earns the page a second one. */
const KEY_FIELDS = ['issuerCuit', 'type', 'pointOfSale', 'number', 'issueDate', 'total'] as const;

/** Key fields a parse lacks: absent, or only guessed (type from the page's wording, total worked out). */
export function missingKeyFields(p: ParsedInvoiceText): string[] {
  return KEY_FIELDS.filter((k) => {
    const f = p.fields[k];
    if (!f) return true;
    if (k === 'type' && f.confidence <= 0.5) return true;
    return k === 'total' && p.totalDerived === true;
  });
}

/** A field taken from a reading that did not lead, its confidence scaled by `factor`. */
const lessSure = <T extends { confidence: number }>(f: T, factor: number): T => ({ ...f, confidence: Math.round(f.confidence * factor * 1000) / 1000 });

/**
 * Two readings of the same page combined: the one with more key fields leads, and each field
 * it lacks (or only guessed) is taken from the other, a little less sure (the two readings did
 * not agree on having it). Values both readings have are the leader's.
 */
export function mergeReadings(a: ParsedInvoiceText, b: ParsedInvoiceText): ParsedInvoiceText {
  const [lead, other] = missingKeyFields(b).length < missingKeyFields(a).length ? [b, a] : [a, b];
  const fields = { ...lead.fields } as Record<string, { confidence: number } | undefined>;
  const missing = new Set(missingKeyFields(lead));
  const otherMissing = new Set(missingKeyFields(other));
  let totalDerived = lead.totalDerived;
  for (const [k, f] of Object.entries(other.fields) as [string, { confidence: number } | undefined][]) {
    if (!f) continue;
    const fill = fields[k] === undefined || (missing.has(k) && !otherMissing.has(k));
    if (!fill) continue;
    fields[k] = lessSure(f, 0.95);
    if (k === 'total') totalDerived = other.totalDerived;
    if (k === 'type' && other.fields.letter) fields.letter = lessSure(other.fields.letter, 0.95);
  }
  return { ...lead, fields: fields as ParsedInvoiceText['fields'], lines: lead.lines.length ? lead.lines : other.lines, ...(totalDerived ? { totalDerived } : {}) };
}

/**
 * OCR of one upright-ish page: quarter turns from the text rows first; when the text read
 * carries too few of the words every invoice prints, the page is read again half a turn round
 * and the better reading kept.
 */
async function ocrPage(page: GrayImage, photo: PhotoPipelineOptions, pre: PreprocessOptions, ocr: OcrPool, signal: AbortSignal | undefined): Promise<PageRead> {
  const read = async (img: GrayImage, turns: number, light = photo.flattenLight): Promise<PageRead & { anchors: number }> => {
    checkAborted(signal);
    const even = light ? await flattenLight(img) : img;
    const prepared = await preparePage(await grayToPng(photo.binarize ? binarize(even) : even), pre);
    const r = await ocr.recognize(prepared.png);
    return { lines: r.lines, confidence: r.confidence, skewDeg: prepared.skewDeg, turns, anchors: anchorCount(r.lines.map((l) => l.text).join('\n')) };
  };
  const first = photo.orientation ? textRowsTurn(page) : 0;
  let best = await read(rotateQuarter(page, first), first);
  if (photo.orientation && best.anchors < MIN_ANCHORS) {
    const other = await read(rotateQuarter(page, first + 2), first + 2);
    if (other.anchors > best.anchors || (other.anchors === best.anchors && other.confidence > best.confidence)) best = other;
  }
  return best;
}

/**
 * A second reading of a page whose first one lacks a key field, with the light evened out
 * (`flattenLight`) when the first reading did not have it: on grainy or shaded photos the
 * first reading loses whole blocks that the second gets, and the other way round. Costs one more
 * OCR pass only on the pages that need it.
 */
async function secondLook(page: GrayImage, first: PageRead, photo: PhotoPipelineOptions, pre: PreprocessOptions, ocr: OcrPool, signal: AbortSignal | undefined): Promise<PageRead | null> {
  checkAborted(signal);
  const img = rotateQuarter(page, first.turns);
  const even = photo.flattenLight ? img : await flattenLight(img);
  const prepared = await preparePage(await grayToPng(even), pre);
  const r = await ocr.recognize(prepared.png);
  return { lines: r.lines, confidence: r.confidence, skewDeg: prepared.skewDeg, turns: first.turns, secondLook: true };
}

/** Header fields a look at the header's right-hand block can fill. */
const HEADER_LOOK_FIELDS = ['pointOfSale', 'number', 'type', 'issueDate'] as const;

/**
 * The block most invoices print top right (`FACTURA N° 0008-00004273`, `Fecha: …`), read on its
 * own: inside a shaded or boxed area beside a logo, a whole-page reading often loses it. The
 * upright first page's top 30 %, from 40 % of its width rightwards; about a fifth of a page of
 * OCR, only when a reading still lacks one of these fields.
 */
async function headerLook(page: GrayImage, first: PageRead, pre: PreprocessOptions, ocr: OcrPool, signal: AbortSignal | undefined): Promise<TextLine[]> {
  checkAborted(signal);
  const img = rotateQuarter(page, first.turns);
  const x0 = Math.round(img.width * 0.4);
  const h = Math.round(img.height * 0.3);
  const crop = new Uint8Array((img.width - x0) * h);
  for (let y = 0; y < h; y++) crop.set(img.data.subarray(y * img.width + x0, (y + 1) * img.width), y * (img.width - x0));
  // With the light evened out: a shadow across a corner of the sheet falls on this block first.
  const prepared = await preparePage(await grayToPng(await flattenLight({ data: crop, width: img.width - x0, height: h })), pre);
  return (await ocr.recognize(prepared.png)).lines;
}

/**
 * Fields of `HEADER_LOOK_FIELDS` a reading lacks (or only guessed), taken from the header block's
 * own reading a little less sure; nothing else is taken from it (a CUIT alone there may be the
 * receiver's).
 */
export function fillFromHeader(p: ParsedInvoiceText, header: ParsedInvoiceText): ParsedInvoiceText {
  const missing = new Set<string>(missingKeyFields(p));
  const fields = { ...p.fields } as Record<string, { confidence: number } | undefined>;
  const headerMissing = new Set<string>(missingKeyFields(header));
  for (const k of HEADER_LOOK_FIELDS) {
    const f = header.fields[k];
    if (!f || !missing.has(k) || headerMissing.has(k)) continue;
    fields[k] = lessSure(f, 0.9);
    if (k === 'type' && header.fields.letter) fields.letter = lessSure(header.fields.letter, 0.9);
  }
  return { ...p, fields: fields as ParsedInvoiceText['fields'] };
}

/**
 * Reads an invoice file, most exact source first: the fiscal QR (from the image or the
 * rendered PDF page), the PDF text layer when there is one, OCR otherwise. Every field keeps
 * its source and confidence; see `assembleExtraction`.
 */
export async function extractInvoice(bytes: Buffer, mimeType: InvoiceMimeType, opts: ExtractOptions): Promise<ExtractionOutput> {
  const started = performance.now();
  const timings: ExtractionTimings = { qrMs: 0, textMs: 0, ocrMs: 0, totalMs: 0 };
  const pre = opts.preprocess ?? DEFAULT_PREPROCESS;
  let printed: ParsedInvoiceText | null = null;
  let method: 'text' | 'ocr' | null = null;
  let printedLines: TextLine[] = [];
  let qrTexts: string[] = [];
  let ocrConfidence: number | null = null;
  let skewDeg: number | null = null;
  let pages = 1;
  let secondLookUsed = false;
  let headerLookUsed = false;

  const photo = opts.photo ?? DEFAULT_PHOTO_PIPELINE;
  let photoInfo: ExtractionOutput['photo'] = null;

  /** OCR of page images (first page first); a fiscal QR not found yet is searched for on the upright first page. */
  const ocrPages = async (images: GrayImage[]) => {
    const t = performance.now();
    const reads = await Promise.all(images.map((img) => ocrPage(img, photo, pre, opts.ocr, opts.signal)));
    skewDeg = reads[0]?.skewDeg ?? null;
    printedLines = reads.flatMap((r) => r.lines);
    ocrConfidence = reads.length ? Math.round((reads.reduce((a, r) => a + r.confidence, 0) / reads.length) * 1000) / 1000 : null;
    let parsed = parseInvoiceText(printedLines, 'ocr');
    // A fiscal QR already read gives every key field: no second look then.
    if (photo.secondLook && !isFiscal(qrTexts) && images[0] && reads[0] && missingKeyFields(parsed).length > 0) {
      // The header and totals are on the first page: only it is read again.
      const again = await secondLook(images[0], reads[0], photo, pre, opts.ocr, opts.signal);
      if (again) {
        const otherLines = [...again.lines, ...reads.slice(1).flatMap((r) => r.lines)];
        parsed = mergeReadings(parsed, parseInvoiceText(otherLines, 'ocr'));
        secondLookUsed = true;
      }
      if (photo.headerLook && HEADER_LOOK_FIELDS.some((k) => missingKeyFields(parsed).includes(k))) {
        parsed = fillFromHeader(parsed, parseInvoiceText(await headerLook(images[0], reads[0], pre, opts.ocr, opts.signal), 'ocr'));
        headerLookUsed = true;
      }
    }
    timings.ocrMs += performance.now() - t;
    printed = parsed;
    method = 'ocr';
    return reads[0]?.turns ?? 0;
  };
  const searchFirstPage = async (page: GrayImage, turns: number) => {
    if (!photo.qrSearch || isFiscal(qrTexts)) return null;
    const t = performance.now();
    const found = await searchQr(rotateQuarter(page, turns), opts.signal);
    timings.qrMs += performance.now() - t;
    if (found.texts.length) qrTexts = found.texts;
    return found.by;
  };

  if (mimeType === 'application/pdf') {
    let doc;
    try {
      doc = await openPdf(bytes);
    } catch (err) {
      throw new UnreadableFileError(`not a readable PDF: ${(err as Error).message}`);
    }
    try {
      pages = Math.min(doc.numPages, MAX_PDF_PAGES);
      let t = performance.now();
      const textLines = await pdfTextLines(doc);
      timings.textMs = performance.now() - t;
      checkAborted(opts.signal);
      if (textLines.length > 0) {
        printedLines = textLines;
        printed = parseInvoiceText(textLines, 'text');
        method = 'text';
        t = performance.now();
        qrTexts = await readQrCodes(await rasterizePage(doc, 1, QR_DPI));
        if (!isFiscal(qrTexts) && photo.qrSearch) {
          const sharper = await rasterizePage(doc, 1, QR_RETRY_DPI);
          const found = await searchQr(rgbaToGray(sharper), opts.signal);
          if (found.texts.length) qrTexts = found.texts;
        }
        timings.qrMs = performance.now() - t;
      } else {
        const grays: GrayImage[] = [];
        t = performance.now();
        for (let p = 1; p <= pages; p++) {
          const r = await rasterizePage(doc, p, SCAN_DPI, pagePixelBudget(pages));
          if (!isFiscal(qrTexts)) qrTexts = await readQrCodes(r);
          grays.push(rgbaToGray(r));
        }
        timings.qrMs = performance.now() - t;
        checkAborted(opts.signal);
        const turns = await ocrPages(grays);
        const by = await searchFirstPage(grays[0]!, turns);
        photoInfo = { pageFound: false, turns, qrFoundBy: isFiscal(qrTexts) ? (by ?? 'page') : null, secondLook: secondLookUsed, headerLook: headerLookUsed };
      }
    } finally {
      await doc.destroy();
    }
  } else {
    let meta;
    try {
      meta = await sharp(bytes, { failOn: 'error', limitInputPixels: false }).metadata();
    } catch (err) {
      throw new UnreadableFileError(`not a readable image: ${(err as Error).message}`);
    }
    // From the header only, before any pixel is decoded.
    try {
      checkImageSize(meta.autoOrient?.width ?? meta.width, meta.autoOrient?.height ?? meta.height);
    } catch (err) {
      throw new UnreadableFileError((err as Error).message);
    }
    const t = performance.now();
    qrTexts = await qrFromImage(bytes);
    timings.qrMs = performance.now() - t;
    checkAborted(opts.signal);
    const gray = await loadGray(bytes, PHOTO_MAX_SIDE);
    const corners = photo.pageDetect ? detectPage(gray) : null;
    const page = corners ? flattenPage(gray, corners, pre.maxWidth) : gray;
    const turns = await ocrPages([page]);
    const by = await searchFirstPage(page, turns);
    photoInfo = { pageFound: corners !== null, turns, qrFoundBy: isFiscal(qrTexts) ? (by ?? 'photo') : null, secondLook: secondLookUsed, headerLook: headerLookUsed };
  }
  checkAborted(opts.signal);
  const { qr, text: qrText, error: qrError } = fiscalQr(qrTexts);
  const extraction = assembleExtraction(qr, printed, method);
  timings.totalMs = performance.now() - started;
  for (const k of Object.keys(timings) as (keyof ExtractionTimings)[]) timings[k] = Math.round(timings[k]);
  return { extraction, pages, qrText, qrError, printedLines, ocrConfidence, skewDeg, photo: photoInfo, timings };
}
