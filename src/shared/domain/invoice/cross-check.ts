import { approxEqual } from './decimal.js';
import { discriminatesIva, type InvoiceLetter } from './voucher-types.js';

export interface TotalsInput {
  letter: InvoiceLetter | undefined;
  /** Line amounts in centavos: net of IVA on A/M invoices, as printed (IVA included) on B. */
  lineAmounts: bigint[];
  net?: bigint;
  exempt?: bigint;
  iva: bigint[];
  otherTaxes?: bigint;
  total?: bigint;
}

export interface TotalsCheck {
  /** Σ lines + taxes ≈ total within the tolerance. */
  ok: boolean;
  /** Whether there was enough to check at all (a printed total). */
  checked: boolean;
  expectedTotal: bigint;
  /** Σ line amounts ≈ printed net (when both exist). */
  linesMatchNet: boolean | null;
  /** |expected − total| / total. */
  deviation: number;
}

/** Relative tolerance of the arithmetic cross-check (1 %). */
export const TOTALS_TOLERANCE = 0.01;

/**
 * The arithmetic cross-check: lines (or the printed net when no line was read) plus IVA,
 * exempt amounts and other taxes must add up to the printed total within 1 %.
 */
export function checkTotals(input: TotalsInput): TotalsCheck {
  const linesSum = input.lineAmounts.reduce((a, b) => a + b, 0n);
  const ivaSum = input.iva.reduce((a, b) => a + b, 0n);
  const base = input.lineAmounts.length > 0 ? linesSum : (input.net ?? 0n);
  const withIva = input.letter && discriminatesIva(input.letter) ? base + ivaSum : base;
  const expectedTotal = withIva + (input.exempt ?? 0n) + (input.otherTaxes ?? 0n);
  const linesMatchNet = input.lineAmounts.length > 0 && input.net !== undefined ? approxEqual(linesSum, input.net, TOTALS_TOLERANCE) : null;
  if (input.total === undefined) return { ok: false, checked: false, expectedTotal, linesMatchNet, deviation: 1 };
  const denom = input.total === 0n ? 1 : Math.abs(Number(input.total));
  const deviation = Math.abs(Number(expectedTotal - input.total)) / denom;
  const ok = approxEqual(expectedTotal, input.total, TOTALS_TOLERANCE) && linesMatchNet !== false;
  return { ok, checked: true, expectedTotal, linesMatchNet, deviation };
}
