import bwipjs from 'bwip-js';
import { barcodeFormat, type BarcodeFormat } from '../domain/labels.js';

export interface BarcodeSvg {
  format: BarcodeFormat;
  /** A standalone SVG document (vector: sharp at any print size). */
  svg: string;
}

/**
 * The barcode of a shelf label as SVG: EAN-13 when the code is a valid one, Code 128 otherwise;
 * null for no code. bwip-js renders without a DOM, so the same SVG serves the page and a PDF.
 */
export function renderBarcodeSvg(code: string | null | undefined): BarcodeSvg | null {
  const format = barcodeFormat(code);
  if (!format) return null;
  const text = code!.trim();
  const svg = bwipjs.toSVG({ bcid: format, text, includetext: true, textxalign: 'center', height: 10, ...(format === 'code128' && { scale: 2 }) });
  return { format, svg };
}
