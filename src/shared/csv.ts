/**
 * One CSV field, RFC 4180 quoted when needed, and safe to open in a spreadsheet: text starting
 * with `=`, `+`, `-`, `@`, tab or carriage return would be run as a formula (a product named
 * `=HYPERLINK(…)`), so it gets a leading apostrophe. Plain numbers ("-12.50") stay numbers.
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let v = String(value);
  if (/^[=+\-@\t\r]/.test(v) && !/^[+-]?\d+(\.\d+)?$/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
