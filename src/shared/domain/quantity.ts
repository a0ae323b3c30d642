/**
 * Exact quantities and money. Quantities are held as bigint thousandths (weighed goods: kg with
 * 3 decimals), money as integer centavos. Nothing here goes through a float.
 */

const QUANTITY_RE = /^([+-])?(\d{1,11})(?:\.(\d{1,3}))?$/;
const MONEY_RE = /^(\d{1,13})(?:\.(\d{1,2}))?$/;

/** Largest magnitude numeric(14,3) holds. */
export const MAX_QUANTITY_MILLI = 10n ** 14n - 1n;

/** Parses a decimal string or number with up to 3 decimals into thousandths; undefined if invalid. */
export function parseQuantity(input: string | number): bigint | undefined {
  const text = typeof input === 'number' ? numberToPlain(input) : input.trim();
  if (text === undefined) return undefined;
  const m = QUANTITY_RE.exec(text);
  if (!m) return undefined;
  const milli = BigInt(m[2]!) * 1000n + BigInt((m[3] ?? '').padEnd(3, '0'));
  return m[1] === '-' ? -milli : milli;
}

/** Thousandths → shortest exact decimal string ("12", "0.625", "-3.5"). */
export function formatQuantity(milli: bigint): string {
  const neg = milli < 0n;
  const abs = neg ? -milli : milli;
  const int = abs / 1000n;
  const frac = (abs % 1000n).toString().padStart(3, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/** Normalizes a numeric string coming from PostgreSQL ("12.000" → "12"). */
export function normalizeQuantity(value: string): string {
  const milli = parseQuantity(value);
  if (milli === undefined) throw new Error(`not a quantity: ${value}`);
  return formatQuantity(milli);
}

/** Parses pesos ("1234.5", 1234.5) into integer centavos; undefined if invalid or negative. */
export function parseMoney(input: string | number): number | undefined {
  const text = typeof input === 'number' ? numberToPlain(input) : input.trim();
  if (text === undefined) return undefined;
  const m = MONEY_RE.exec(text);
  if (!m) return undefined;
  return Number(BigInt(m[1]!) * 100n + BigInt((m[2] ?? '').padEnd(2, '0')));
}

/** Integer centavos → decimal string with two places ("1234.50"). */
export function formatMoney(cents: number | bigint): string {
  const c = BigInt(cents);
  const neg = c < 0n;
  const abs = neg ? -c : c;
  return `${neg ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** JSON numbers arrive as floats; only plain finite decimals are accepted (no exponent). */
function numberToPlain(n: number): string | undefined {
  if (!Number.isFinite(n)) return undefined;
  const s = String(n);
  return /e/i.test(s) ? undefined : s;
}

/**
 * The whole-units rule: products counted in units move in whole numbers (kg and l take 3
 * decimals). `milli` is the quantity in thousandths, as `parseQuantity` returns it.
 */
export function breaksWholeUnits(unit: string, milli: bigint): boolean {
  return unit === 'unit' && milli % 1000n !== 0n;
}
