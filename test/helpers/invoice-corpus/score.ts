import { formatCuit } from '../../../src/shared/domain/invoice/cuit.js';
import { formatScaled } from '../../../src/shared/domain/invoice/decimal.js';
import type { InvoiceExtraction } from '../../../src/shared/domain/invoice/assemble.js';
import { normalizeDescription } from '../../../src/shared/domain/invoice/normalize.js';
import type { InvoiceSpec } from './spec.js';

/** Header fields scored for exact equality with the known data. */
export const HEADER_FIELDS = ['letter', 'type', 'pointOfSale', 'number', 'issueDate', 'issuerCuit', 'receiverCuit', 'cae', 'caeDueDate', 'net', 'total'] as const;
export type HeaderField = (typeof HEADER_FIELDS)[number];

export function expectedHeader(spec: InvoiceSpec): Record<HeaderField, unknown> {
  return {
    letter: spec.letter,
    type: spec.type,
    pointOfSale: spec.pointOfSale,
    number: spec.number,
    issueDate: spec.issueDate,
    issuerCuit: formatCuit(spec.issuer.cuit),
    receiverCuit: formatCuit(spec.receiver.cuit),
    cae: spec.cae,
    caeDueDate: spec.caeDueDate,
    net: formatScaled(spec.net, 2),
    total: formatScaled(spec.total, 2),
  };
}

export interface FieldScore {
  field: HeaderField;
  ok: boolean;
  source: string | null;
  expected: unknown;
  got: unknown;
}

export function scoreHeader(spec: InvoiceSpec, ex: InvoiceExtraction): FieldScore[] {
  const exp = expectedHeader(spec);
  return HEADER_FIELDS.map((f) => {
    const got = ex.fields[f];
    return { field: f, ok: got !== undefined && got.value === exp[f], source: got?.source ?? null, expected: exp[f], got: got?.value };
  });
}

/** Character bigram Dice similarity of normalized descriptions (OCR may garble a letter). */
export function similarity(a: string, b: string): number {
  const grams = (s: string) => {
    const n = normalizeDescription(s).replace(/\s+/g, ' ');
    const out = new Map<string, number>();
    for (let i = 0; i < n.length - 1; i++) out.set(n.slice(i, i + 2), (out.get(n.slice(i, i + 2)) ?? 0) + 1);
    return out;
  };
  const ga = grams(a);
  const gb = grams(b);
  let inter = 0;
  let total = 0;
  for (const [g, c] of ga) inter += Math.min(c, gb.get(g) ?? 0);
  for (const c of ga.values()) total += c;
  for (const c of gb.values()) total += c;
  return total === 0 ? 1 : (2 * inter) / total;
}

export interface LineScore {
  truePositives: number;
  predicted: number;
  expected: number;
  precision: number;
  recall: number;
  f1: number;
}

/**
 * A read line counts when quantity, unit price and amount are exact and the description is
 * recognisably the printed one (bigram similarity ≥ 0.8); each printed line matches once.
 */
export function scoreLines(spec: InvoiceSpec, ex: InvoiceExtraction): LineScore {
  const remaining = [...spec.lines];
  let tp = 0;
  for (const got of ex.lines) {
    const i = remaining.findIndex(
      (l) =>
        formatScaled(l.quantity, 3, { trim: true }) === got.quantity &&
        formatScaled(l.unitPrice, 2) === got.unitPrice &&
        formatScaled(l.amount, 2) === got.amount &&
        similarity(l.description, got.description) >= 0.8,
    );
    if (i >= 0) {
      tp++;
      remaining.splice(i, 1);
    }
  }
  const precision = ex.lines.length ? tp / ex.lines.length : 0;
  const recall = spec.lines.length ? tp / spec.lines.length : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { truePositives: tp, predicted: ex.lines.length, expected: spec.lines.length, precision, recall, f1 };
}
