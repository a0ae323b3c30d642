/** A value read from an invoice, where it came from and how sure we are of it. */

export type FieldSource = 'qr' | 'text' | 'ocr';

export interface Field<T> {
  value: T;
  source: FieldSource;
  /** 0..1 */
  confidence: number;
  /** A different value another source gave for the same field. */
  conflict?: { source: FieldSource; value: T };
}

export function field<T>(value: T, source: FieldSource, confidence: number): Field<T> {
  return { value, source, confidence: clamp01(confidence) };
}

export function clamp01(n: number): number {
  return Math.round(Math.min(1, Math.max(0, n)) * 1000) / 1000;
}

/** Confidence of a field when the QR and the printed text agree or not. */
export const QR_CONFIDENCE = 0.99;
export const AGREEMENT_BONUS = 0.03;
/** A QR that contradicts the printed text: one of them is wrong, so neither is trusted. */
export const CONFLICT_CONFIDENCE = 0.5;

/**
 * Combines the QR's value with the printed one (text layer or OCR). The QR is the most exact
 * source and wins; agreement raises confidence, contradiction lowers it and is recorded.
 */
export function mergeField<T>(qr: T | undefined, printed: Field<T> | undefined, equal: (a: T, b: T) => boolean = Object.is): Field<T> | undefined {
  if (qr === undefined) return printed;
  if (!printed) return field(qr, 'qr', QR_CONFIDENCE - 0.02);
  if (equal(qr, printed.value)) return field(qr, 'qr', Math.max(QR_CONFIDENCE, printed.confidence + AGREEMENT_BONUS));
  return { ...field(qr, 'qr', CONFLICT_CONFIDENCE), conflict: { source: printed.source, value: printed.value } };
}
