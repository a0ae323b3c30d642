/**
 * Exact decimals as scaled bigints: money in centavos (scale 2), quantities in thousandths
 * (scale 3), rates in thousandths of a percent point. Never floats.
 */

/** Letters OCR commonly reads where a digit was printed. */
const DIGIT_LOOKALIKES: Record<string, string> = { O: '0', o: '0', D: '0', Q: '0', l: '1', I: '1', '|': '1', i: '1', S: '5', s: '5', B: '8', Z: '2', z: '2' };

/** Replaces digit look-alikes inside a token that is mostly digits (OCR repair). */
export function repairDigits(token: string): string {
  const digits = token.replace(/[^0-9]/g, '').length;
  const fixable = [...token].filter((c) => c in DIGIT_LOOKALIKES).length;
  if (digits === 0 || fixable === 0 || digits < fixable * 2) return token;
  // A letter prefix before digits is a product code (`A000101`, `SKU-12`), not a misread.
  if (/^[A-Za-z]{1,4}[-.]?\d+$/.test(token)) return token;
  return [...token].map((c) => DIGIT_LOOKALIKES[c] ?? c).join('');
}

/**
 * Parses a number printed the Argentine way (`1.234,56`, `1234,56`, `$ 12`), tolerating the
 * mix-ups OCR and some ERPs produce (`1.234.56`, `1,234.56`). Returns the value scaled by
 * 10^scale, rounded half away from zero, or null when the text is not a number.
 */
export function parseArDecimal(text: string, scale: number): bigint | null {
  let s = text.trim().replace(/^\$\s*/, '').replace(/\s+/g, '').replace(/%$/, '');
  let negative = false;
  if (/^[-−–]/.test(s)) {
    negative = true;
    s = s.slice(1);
  } else if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1);
  }
  if (!/^\d[\d.,]*$/.test(s) || /[.,]{2}/.test(s) || /[.,]$/.test(s)) return null;
  const lastSep = Math.max(s.lastIndexOf(','), s.lastIndexOf('.'));
  let intPart: string;
  let fracPart = '';
  if (lastSep === -1) {
    intPart = s;
  } else {
    const sep = s[lastSep]!;
    const tail = s.slice(lastSep + 1);
    const head = s.slice(0, lastSep);
    const onlyDotsAsThousands = sep === '.' && !s.includes(',') && tail.length === 3;
    if (onlyDotsAsThousands) {
      // `1.234` is a thousand separator in Argentina, `1.5` is a decimal (US-style rate).
      intPart = s.replace(/\./g, '');
    } else {
      intPart = head.replace(/[.,]/g, '');
      fracPart = tail;
    }
  }
  if (!/^\d+$/.test(intPart) || (fracPart && !/^\d+$/.test(fracPart))) return null;
  const base = 10n ** BigInt(scale);
  let value = BigInt(intPart) * base;
  if (fracPart) {
    const padded = fracPart.padEnd(scale + 1, '0');
    const kept = BigInt(padded.slice(0, scale) || '0');
    const roundDigit = Number(padded[scale] ?? '0');
    value += kept + (roundDigit >= 5 ? 1n : 0n);
  }
  return negative ? -value : value;
}

/** Formats a scaled bigint as a plain decimal string (`178000.00`); `trim` drops trailing zeros. */
export function formatScaled(value: bigint, scale: number, { trim = false } = {}): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const base = 10n ** BigInt(scale);
  let out = (abs / base).toString();
  if (scale > 0) {
    let frac = (abs % base).toString().padStart(scale, '0');
    if (trim) frac = frac.replace(/0+$/, '');
    if (frac) out += `.${frac}`;
  }
  return negative ? `-${out}` : out;
}

/** Parses a plain decimal string (`"12.5"`) into a scaled bigint; throws on anything else. */
export function parseScaled(text: string, scale: number): bigint {
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new RangeError(`not a decimal: ${JSON.stringify(text)}`);
  const frac = (m[3] ?? '').padEnd(scale, '0');
  if (frac.length > scale && /[1-9]/.test(frac.slice(scale))) throw new RangeError(`more than ${scale} decimals: ${text}`);
  const v = BigInt(m[2]!) * 10n ** BigInt(scale) + BigInt(frac.slice(0, scale) || '0');
  return m[1] ? -v : v;
}

/** a·b/10^scaleB rounded half away from zero: e.g. quantity(‰) × price(¢) → amount(¢). */
export function mulScaled(a: bigint, b: bigint, scaleB: number): bigint {
  return divRound(a * b, 10n ** BigInt(scaleB));
}

/** Integer division rounded half away from zero. */
export function divRound(n: bigint, d: bigint): bigint {
  if (d === 0n) throw new RangeError('division by zero');
  const negative = n < 0n !== d < 0n;
  const an = n < 0n ? -n : n;
  const ad = d < 0n ? -d : d;
  const q = (an * 2n + ad) / (ad * 2n);
  return negative ? -q : q;
}

/** |a − b| ≤ tolerance·max(|a|,|b|) plus a small absolute slack (rounding of printed values). */
export function approxEqual(a: bigint, b: bigint, relative: number, absoluteSlack = 2n): boolean {
  const diff = a > b ? a - b : b - a;
  if (diff <= absoluteSlack) return true;
  const big = (a < 0n ? -a : a) > (b < 0n ? -b : b) ? (a < 0n ? -a : a) : b < 0n ? -b : b;
  return Number(diff) <= relative * Number(big);
}
