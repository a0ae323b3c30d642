import { FileTooLargeError } from '../../../shared/errors.js';

/**
 * Size limits of an uploaded invoice, checked before anything is decoded or rendered, so the
 * extraction process stays within its memory budget for any file: a few hundred bytes of PDF can
 * declare pages of 3000×3000 pt, and a small compressed stream can hold a 20000² image.
 *
 * - PDF pages render within `MAX_RENDER_PIXELS` each and `MAX_DOCUMENT_RENDER_PIXELS` together
 *   (the resolution drops for big pages; a page that
 *   would need less than `MIN_RENDER_DPI` is refused — no invoice is that large);
 * - images inside a PDF above `MAX_IMAGE_PIXELS` are not decoded (pdf.js `maxImageSize`);
 * - uploaded photos above `MAX_IMAGE_PIXELS` are refused from their header, before decoding;
 * - at most `MAX_PDF_PAGES` pages are read.
 */

/** Pixels of one rendered page: A4 at 200 dpi (the scan resolution) is ~3.9 M; RGBA, so ≤ 32 MB. */
export const MAX_RENDER_PIXELS = 8_000_000;
/** Pixels of every page of one document together (five A4 pages at 200 dpi are ~19.5 M). */
export const MAX_DOCUMENT_RENDER_PIXELS = 20_000_000;
/** Below this a page is too large to be a printed invoice (A0 at 36 dpi is already 1190×1684 px). */
export const MIN_RENDER_DPI = 36;
/** Pixels of one photo or embedded image: a 48 MP phone camera is ~48 M. */
export const MAX_IMAGE_PIXELS = 50_000_000;
/** Pages read beyond this are ignored: supplier invoices are short. */
export const MAX_PDF_PAGES = 5;

/**
 * The resolution to render a page of `widthPt × heightPt` points at: `wantedDpi`, or less so the
 * page fits `MAX_RENDER_PIXELS`. Throws `FileTooLargeError` for a page that would need less than
 * `MIN_RENDER_DPI`.
 */
export function renderDpiFor(widthPt: number, heightPt: number, wantedDpi: number, maxPixels = MAX_RENDER_PIXELS): number {
  if (!(widthPt > 0 && heightPt > 0) || !Number.isFinite(widthPt * heightPt)) throw new FileTooLargeError('the PDF page has no usable size');
  const pixelsAt = (dpi: number) => ((widthPt * dpi) / 72) * ((heightPt * dpi) / 72);
  const budget = Math.min(maxPixels, MAX_RENDER_PIXELS);
  if (pixelsAt(wantedDpi) <= budget) return wantedDpi;
  const dpi = wantedDpi * Math.sqrt(budget / pixelsAt(wantedDpi));
  if (dpi < MIN_RENDER_DPI) {
    throw new FileTooLargeError(`a PDF page of ${Math.round(widthPt)}×${Math.round(heightPt)} pt is too large for an invoice; send pages up to A3 or so`);
  }
  return Math.floor(dpi);
}

/** Refuses a photo whose header declares more than `MAX_IMAGE_PIXELS` (checked before decoding). */
export function checkImageSize(width: number | undefined, height: number | undefined): void {
  if (!width || !height) throw new FileTooLargeError('the image does not declare its size');
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new FileTooLargeError(`an image of ${width}×${height} px is too large (at most ${MAX_IMAGE_PIXELS / 1_000_000} megapixels); send a smaller photo`);
  }
}

/** The pixel budget of each page when `pages` pages of one document are rendered. */
export const pagePixelBudget = (pages: number) => Math.min(MAX_RENDER_PIXELS, Math.floor(MAX_DOCUMENT_RENDER_PIXELS / Math.max(1, pages)));
