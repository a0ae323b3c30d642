/**
 * Percentages as integer basis points (1 % = 100 bp, 100 % = 10 000 bp). Rates arrive as decimal
 * strings or JSON numbers with at most two decimals ("21", "10.5", 2.7) and never pass through a
 * float on their way to bp.
 */

/** 100 % in basis points. */
export const BP = 10_000;

const RATE_RE = /^([+-])?(\d{1,6})(?:\.(\d{1,2}))?$/;

/** Parses a percent ("10.5", 2.7, "-0.3") into basis points; undefined if malformed. */
export function parsePercentBp(input: string | number): number | undefined {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return undefined;
    text = String(input);
    if (/e/i.test(text)) return undefined;
  } else text = input.trim();
  const m = RATE_RE.exec(text);
  if (!m) return undefined;
  const bp = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] === '-' ? -bp : bp;
}

/** Basis points → shortest exact percent string (1050 → "10.5", -30 → "-0.3", 2100 → "21"). */
export function formatPercent(bp: number): string {
  const neg = bp < 0;
  const abs = Math.abs(bp);
  const frac = String(abs % 100).padStart(2, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${Math.trunc(abs / 100)}${frac ? `.${frac}` : ''}`;
}

/** A numeric column read from PostgreSQL ("21.00") → basis points; throws on anything else. */
export function percentColumnBp(value: string | number): number {
  const bp = parsePercentBp(typeof value === 'string' ? value.replace(/(\.\d\d)0+$/, '$1') : value);
  if (bp === undefined) throw new Error(`not a percent with at most 2 decimals: ${value}`);
  return bp;
}
