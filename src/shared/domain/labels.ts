/**
 * Shelf labels (Ley 27.743): which barcode symbology a product's code gets. Pure, no I/O; the web
 * app may import it too.
 */

/** Whether `code` is 13 digits with a correct GS1 check digit. */
export function isValidEan13(code: string): boolean {
  if (!/^\d{13}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(code[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10 === Number(code[12]);
}

export type BarcodeFormat = 'ean13' | 'code128';

/** EAN-13 when the code is a valid one, Code 128 for any other printable code, null for none. */
export function barcodeFormat(code: string | null | undefined): BarcodeFormat | null {
  const c = code?.trim();
  if (!c) return null;
  if (isValidEan13(c)) return 'ean13';
  // Code 128 (set B) covers printable ASCII.
  return /^[\x20-\x7e]{1,80}$/.test(c) ? 'code128' : null;
}
