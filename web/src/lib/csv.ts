/**
 * CSV for Excel in Argentina: UTF-8 with BOM, `;` between cells, decimal comma, CRLF lines.
 * Text cells that start with = + - @ (or a tab/CR) get a leading `'` so a spreadsheet never runs
 * them as formulas; numbers are written as numbers.
 */
export type CsvCell = string | number | null | undefined;
export interface CsvColumn<T> {
  header: string;
  value: (row: T) => CsvCell;
  /** `number` cells are decimal strings or numbers written with a decimal comma. */
  kind?: 'text' | 'number';
}

const BOM = '\uFEFF';

function numberCell(v: CsvCell): string {
  if (v === null || v === undefined || v === '') return '';
  const s = String(v).trim();
  return /^-?\d+(\.\d+)?$/.test(s) ? s.replace('.', ',') : textCell(s);
}

function textCell(v: CsvCell): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[";\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv<T>(columns: CsvColumn<T>[], rows: T[]): string {
  const lines = [columns.map((c) => textCell(c.header)).join(';')];
  for (const row of rows) lines.push(columns.map((c) => (c.kind === 'number' ? numberCell(c.value(row)) : textCell(c.value(row)))).join(';'));
  return `${BOM}${lines.join('\r\n')}\r\n`;
}

/** Saves a CSV through the browser's download (`name` without extension; a date is added). */
export function downloadCsv(name: string, csv: string): void {
  const blob = new Blob([csv], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${name}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
