/** CUIT / CUIL: 11 digits `XX-XXXXXXXX-D`, check digit modulo 11. */

const WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;

/** The check digit for the first 10 digits, or null when the remainder makes it invalid (10). */
export function cuitCheckDigit(first10: string): number | null {
  if (!/^\d{10}$/.test(first10)) throw new RangeError('a CUIT body has 10 digits');
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += Number(first10[i]) * WEIGHTS[i]!;
  const d = 11 - (sum % 11);
  if (d === 11) return 0;
  if (d === 10) return null;
  return d;
}

/** Digits only, or null when the text does not hold exactly 11 digits. */
export function cuitDigits(text: string): string | null {
  const digits = text.replace(/[\s.\-–/]/g, '');
  return /^\d{11}$/.test(digits) ? digits : null;
}

/** Whether the text is a CUIT with a correct check digit (dashes and spaces allowed). */
export function isValidCuit(text: string): boolean {
  const digits = cuitDigits(text);
  if (!digits) return false;
  const expected = cuitCheckDigit(digits.slice(0, 10));
  return expected !== null && expected === Number(digits[10]);
}

/** `20111111112` → `20-11111111-2`. */
export function formatCuit(text: string): string {
  const d = cuitDigits(text);
  if (!d) throw new RangeError(`not a CUIT: ${JSON.stringify(text)}`);
  return `${d.slice(0, 2)}-${d.slice(2, 10)}-${d.slice(10)}`;
}
