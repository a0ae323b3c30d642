import sharp from 'sharp';
import { assembleExtraction, type InvoiceExtraction } from '../../../shared/domain/invoice/assemble.js';
import { decodeFiscalQr, type FiscalQrData } from '../../../shared/domain/invoice/fiscal-qr.js';
import { parseInvoiceText, type ParsedInvoiceText, type TextLine } from '../../../shared/domain/invoice/parse-text.js';
import type { OcrPool } from './ocr-pool.js';
import { MAX_PDF_PAGES, openPdf, pdfTextLines, rasterizePage } from './pdf.js';
import { checkImageSize, pagePixelBudget } from './limits.js';
import { DEFAULT_PREPROCESS, preparePage, type PreprocessOptions } from './preprocess.js';
import { readQrCodes } from './qr.js';
import { ExtractionTimeoutError, FiscalQrError, UnreadableFileError } from '../../../shared/errors.js';

export const SUPPORTED_MIME_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'image/webp'] as const;
export type InvoiceMimeType = (typeof SUPPORTED_MIME_TYPES)[number];

/** Scanned PDF pages are rendered at this resolution before OCR (and QR search). */
export const SCAN_DPI = 200;
/** Text PDFs are rendered only to find the QR; ZXing needs ~3 px per module. */
const QR_DPI = 200;

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
  timings: ExtractionTimings;
}

export interface ExtractOptions {
  ocr: OcrPool;
  preprocess?: PreprocessOptions;
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

/** Tries the photo as it is, then a softened copy (sensor noise breaks QR finder patterns). */
async function qrFromImage(bytes: Buffer): Promise<string[]> {
  const direct = await readQrCodes(new Uint8Array(bytes));
  if (direct.length) return direct;
  const softened = await sharp(bytes).rotate().grayscale().blur(1.2).png({ compressionLevel: 1 }).toBuffer();
  return readQrCodes(new Uint8Array(softened));
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

  const ocrImages = async (images: Buffer[]) => {
    const t = performance.now();
    const prepared = await Promise.all(images.map((img) => preparePage(img, pre)));
    checkAborted(opts.signal);
    skewDeg = prepared[0]?.skewDeg ?? null;
    const results = await Promise.all(prepared.map((p) => opts.ocr.recognize(p.png)));
    printedLines = results.flatMap((r) => r.lines);
    ocrConfidence = results.length ? Math.round((results.reduce((a, r) => a + r.confidence, 0) / results.length) * 1000) / 1000 : null;
    timings.ocrMs += performance.now() - t;
    printed = parseInvoiceText(printedLines, 'ocr');
    method = 'ocr';
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
        const raster = await rasterizePage(doc, 1, QR_DPI);
        qrTexts = await readQrCodes(raster);
        timings.qrMs = performance.now() - t;
      } else {
        const rasters = [];
        for (let p = 1; p <= pages; p++) rasters.push(await rasterizePage(doc, p, SCAN_DPI, pagePixelBudget(pages)));
        t = performance.now();
        for (const r of rasters) {
          qrTexts = await readQrCodes(r);
          if (qrTexts.length) break;
        }
        timings.qrMs = performance.now() - t;
        checkAborted(opts.signal);
        await ocrImages(rasters.map((r) => r.png()));
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
    await ocrImages([bytes]);
  }
  checkAborted(opts.signal);
  const { qr, text: qrText, error: qrError } = fiscalQr(qrTexts);
  const extraction = assembleExtraction(qr, printed, method);
  timings.totalMs = performance.now() - started;
  for (const k of Object.keys(timings) as (keyof ExtractionTimings)[]) timings[k] = Math.round(timings[k]);
  return { extraction, pages, qrText, qrError, printedLines, ocrConfidence, skewDeg, timings };
}
