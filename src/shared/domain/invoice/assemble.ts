import { checkTotals, type TotalsCheck } from './cross-check.js';
import { formatScaled, mulScaled, parseScaled } from './decimal.js';
import { clamp01, mergeField, type Field } from './fields.js';
import type { FiscalQrData } from './fiscal-qr.js';
import type { InvoiceFields, OtherTax, ParsedInvoiceText, ParsedLine } from './parse-text.js';
import { voucherType } from './voucher-types.js';

export type ExtractionMethod = 'qr' | 'text' | 'ocr';

/** Everything read from one invoice file, before any catalog matching. */
export interface InvoiceExtraction {
  fields: InvoiceFields;
  lines: ParsedLine[];
  otherTaxesDetail: OtherTax[];
  /** Which sources contributed, most exact first. */
  methods: ExtractionMethod[];
  totalsCheck: { ok: boolean; checked: boolean; expectedTotal: string; deviation: number; linesMatchNet: boolean | null };
  /** Fields whose QR value contradicts the printed one. */
  conflicts: string[];
  /** 0..1, see `invoiceConfidence`. */
  confidence: number;
}

/** Header fields an invoice cannot be posted without. */
export const REQUIRED_FIELDS = ['issuerCuit', 'type', 'pointOfSale', 'number', 'issueDate', 'total'] as const;

/** When Σ lines + taxes ≠ total, something was misread: every amount is in doubt. */
const TOTALS_MISMATCH_FACTOR = 0.7;
/** A printed total confirmed by the independent sum is as good as certain. */
const CORROBORATED = 0.98;

/** A printed total that the printed amounts contradict: one of them was misread or mislabelled. */
const UNCHECKED_TOTAL = 0.85;

const abs = (n: bigint) => (n < 0n ? -n : n);
const sameAmount = (a: string, b: string) => parseScaled(a, 2) === parseScaled(b, 2);

/**
 * Merges the fiscal QR (when one was decoded) with what the printed text says, runs the
 * arithmetic cross-check and computes the invoice confidence.
 */
export function assembleExtraction(qr: FiscalQrData | null, printed: ParsedInvoiceText | null, printedMethod: 'text' | 'ocr' | null): InvoiceExtraction {
  const p: InvoiceFields = printed?.fields ?? {};
  const fields: InvoiceFields = { ...p };
  const conflicts: string[] = [];
  if (qr) {
    const vt = voucherType(qr.tipoCmp)!;
    const merged: Partial<Record<keyof InvoiceFields, Field<unknown> | undefined>> = {
      issuerCuit: mergeField(qr.cuit, p.issuerCuit),
      type: mergeField(qr.tipoCmp, p.type),
      letter: mergeField(vt.letter, p.letter),
      pointOfSale: mergeField(qr.ptoVta, p.pointOfSale),
      number: mergeField(qr.nroCmp, p.number),
      issueDate: mergeField(qr.fecha, p.issueDate),
      total: mergeField(qr.importe, p.total, sameAmount),
      currency: mergeField(qr.moneda, p.currency),
      cae: mergeField(qr.codAut, p.cae),
    };
    if (!qr.cuitValid && merged.issuerCuit) merged.issuerCuit = { ...merged.issuerCuit, confidence: clamp01(merged.issuerCuit.confidence * 0.3) };
    for (const [key, f] of Object.entries(merged)) {
      if (!f) continue;
      if (f.conflict) conflicts.push(key);
      (fields as Record<string, unknown>)[key] = f;
    }
  }

  const lines = reconcileLineAmounts(printed?.lines ?? [], fields);
  const check: TotalsCheck = checkTotals({
    letter: fields.letter?.value,
    lineAmounts: lines.map((l) => parseScaled(l.amount, 2)),
    net: fields.net ? parseScaled(fields.net.value, 2) : undefined,
    exempt: fields.exempt ? parseScaled(fields.exempt.value, 2) : undefined,
    iva: Object.values(fields.iva?.value ?? {}).map((v) => parseScaled(v!, 2)),
    otherTaxes: fields.otherTaxes ? parseScaled(fields.otherTaxes.value, 2) : undefined,
    total: fields.total ? parseScaled(fields.total.value, 2) : undefined,
  });
  if (fields.total && !fields.total.conflict) {
    // OCR can misread a digit and still land within the check's tolerance: only an exact sum vouches for it.
    // A total worked out from the net and taxes is its own sum: the check cannot vouch for it.
    const derived = printed?.totalDerived === true && fields.total.source !== 'qr';
    const exact = !derived && (fields.total.source !== 'ocr' || (check.checked && abs(check.expectedTotal - parseScaled(fields.total.value, 2)) <= 1n));
    if (check.ok && exact) fields.total = { ...fields.total, confidence: Math.max(fields.total.confidence, CORROBORATED) };
    else if (check.checked && !check.ok && fields.total.source !== 'qr') fields.total = { ...fields.total, confidence: Math.min(fields.total.confidence, UNCHECKED_TOTAL) };
  }

  const methods: ExtractionMethod[] = [];
  if (qr) methods.push('qr');
  if (printedMethod && printed) methods.push(printedMethod);
  const totalsCheck = {
    ok: check.ok,
    checked: check.checked,
    expectedTotal: formatScaled(check.expectedTotal, 2),
    deviation: Math.round(check.deviation * 10000) / 10000,
    linesMatchNet: check.linesMatchNet,
  };
  return { fields, lines, otherTaxesDetail: printed?.otherTaxesDetail ?? [], methods, totalsCheck, conflicts, confidence: invoiceConfidence(fields, lines, check) };
}

/**
 * When the printed line amounts do not add up to the printed net but qty × price of every line
 * does, exactly, the amounts were misread (OCR) and the products are taken instead.
 */
export function reconcileLineAmounts(lines: ParsedLine[], fields: InvoiceFields): ParsedLine[] {
  if (!lines.length || !fields.net || lines.some((l) => l.discountPercent !== null && parseScaled(l.discountPercent, 2) !== 0n)) return lines;
  const net = parseScaled(fields.net.value, 2);
  const printedSum = lines.reduce((a, l) => a + parseScaled(l.amount, 2), 0n);
  if (printedSum === net) return lines;
  const computed = lines.map((l) => mulScaled(parseScaled(l.quantity, 3), parseScaled(l.unitPrice, 2), 3));
  if (computed.reduce((a, b) => a + b, 0n) !== net) return lines;
  return lines.map((l, i) =>
    parseScaled(l.amount, 2) === computed[i] ? l : { ...l, amount: formatScaled(computed[i]!, 2), arithmeticOk: true, confidence: clamp01(l.confidence * 0.9) },
  );
}

/**
 * The weakest of: the required header fields, the mean line confidence; scaled down when the
 * totals do not add up. No lines at all means nothing to post: confidence 0.
 */
export function invoiceConfidence(fields: InvoiceFields, lines: ParsedLine[], check: Pick<TotalsCheck, 'ok' | 'checked'>): number {
  const header = Math.min(...REQUIRED_FIELDS.map((k) => fields[k]?.confidence ?? 0));
  const lineScore = lines.length ? lines.reduce((a, l) => a + l.confidence, 0) / lines.length : 0;
  const factor = check.ok ? 1 : TOTALS_MISMATCH_FACTOR;
  return clamp01(Math.min(header, lineScore) * factor);
}
