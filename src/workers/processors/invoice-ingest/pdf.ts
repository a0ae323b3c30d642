import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { pathToFileURL } from 'node:url';
// The minified builds: under the tsx loader every imported module is transformed and its source
// map kept, which costs ~150 MB resident for the readable pdf.js sources and ~70 MB for these.
import { getDocument, GlobalWorkerOptions, type PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.min.mjs';
import type { TextLine } from '../../../shared/domain/invoice/parse-text.js';
import { MAX_IMAGE_PIXELS, MAX_PDF_PAGES, renderDpiFor } from './limits.js';

const require = createRequire(import.meta.url);
const pdfjsRoot = dirname(require.resolve('pdfjs-dist/package.json'));
/** Local font and decoder data: pdf.js must never reach for the network. */
const STANDARD_FONTS = join(pdfjsRoot, 'standard_fonts') + '/';
const WASM = join(pdfjsRoot, 'wasm') + '/';
const CMAPS = join(pdfjsRoot, 'cmaps') + '/';
GlobalWorkerOptions.workerSrc = pathToFileURL(join(pdfjsRoot, 'legacy/build/pdf.worker.min.mjs')).href;

export { MAX_PDF_PAGES };
/** Fewer printable characters than this per page means a scan without a text layer. */
const MIN_TEXT_CHARS = 40;

export async function openPdf(bytes: Uint8Array): Promise<PDFDocumentProxy> {
  return getDocument({
    data: new Uint8Array(bytes),
    standardFontDataUrl: STANDARD_FONTS,
    wasmUrl: WASM,
    cMapUrl: CMAPS,
    cMapPacked: true,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
    // Embedded images larger than this are dropped instead of decoded (see limits.ts).
    maxImageSize: MAX_IMAGE_PIXELS,
  }).promise;
}

interface Item {
  x: number;
  y: number;
  end: number;
  size: number;
  text: string;
}

/**
 * The text layer as printed lines: items grouped by baseline, ordered left to right, with a
 * wide horizontal gap kept as three spaces (the parser uses that to tell columns apart).
 * Returns an empty list for a page without a text layer.
 */
export async function pdfTextLines(doc: PDFDocumentProxy): Promise<TextLine[]> {
  const out: TextLine[] = [];
  for (let p = 1; p <= Math.min(doc.numPages, MAX_PDF_PAGES); p++) {
    const page = await doc.getPage(p);
    const viewport = page.getViewport({ scale: 1 });
    const content = await page.getTextContent();
    const items: Item[] = [];
    for (const it of content.items) {
      if (!('str' in it) || !it.str.trim()) continue;
      const [a, b, , , e, f] = it.transform as number[];
      const size = Math.hypot(a!, b!) || it.height || 8;
      items.push({ x: e!, y: viewport.height - f!, end: e! + it.width, size, text: it.str });
    }
    if (items.reduce((n, i) => n + i.text.replace(/\s/g, '').length, 0) < MIN_TEXT_CHARS) continue;
    items.sort((a, b) => a.y - b.y || a.x - b.x);
    const rows: Item[][] = [];
    for (const it of items) {
      const row = rows.find((r) => Math.abs(r[0]!.y - it.y) <= Math.min(r[0]!.size, it.size) * 0.35);
      if (row) row.push(it);
      else rows.push([it]);
    }
    rows.sort((a, b) => a[0]!.y - b[0]!.y);
    for (const row of rows) {
      row.sort((a, b) => a.x - b.x);
      let text = '';
      let prevEnd = -Infinity;
      let prevSize = row[0]!.size;
      for (const it of row) {
        const gap = it.x - prevEnd;
        if (text) text += gap > Math.max(prevSize, it.size) * 1.2 ? '   ' : gap > it.size * 0.1 ? ' ' : '';
        text += it.text;
        prevEnd = it.end;
        prevSize = it.size;
      }
      out.push({ text: text.replace(/\s+$/, ''), confidence: 1 });
    }
    page.cleanup();
  }
  return out;
}

export interface RasterPage {
  /** RGBA pixels. */
  data: Uint8ClampedArray;
  width: number;
  height: number;
  /** Encoded PNG of the same pixels (for OCR). */
  png: () => Buffer;
}

/** Renders one page to pixels at `dpi` (scanned PDFs before OCR, every PDF for its QR). */
export async function rasterizePage(doc: PDFDocumentProxy, pageNumber: number, dpi: number, maxPixels?: number): Promise<RasterPage> {
  const page = await doc.getPage(pageNumber);
  const size = page.getViewport({ scale: 1 });
  // Checked before the canvas exists: a huge page renders at a lower resolution, or is refused.
  const viewport = page.getViewport({ scale: renderDpiFor(size.width, size.height, dpi, maxPixels) / 72 });
  const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  // pdf.js types its parameters with DOM classes; @napi-rs/canvas implements the same interface.
  type RenderParams = Parameters<typeof page.render>[0];
  await page.render({ canvas: canvas as unknown as RenderParams['canvas'], canvasContext: ctx as unknown as RenderParams['canvasContext'], viewport }).promise;
  const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
  page.cleanup();
  return { data: image.data, width: canvas.width, height: canvas.height, png: () => canvas.toBuffer('image/png') };
}
