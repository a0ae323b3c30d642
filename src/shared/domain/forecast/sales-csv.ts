import { epochDay, isoDay } from './calendar.js';
import { SalesCsvError } from '../../errors.js';

/** A sales history as the backtest reads it: one daily series per item, missing days are zero. */
export interface SalesHistory {
  /** Epoch day of index 0. */
  startDay: number;
  days: number;
  items: SalesItem[];
}

export interface SalesItem {
  name: string;
  /** The item's category, or `''` when the file has none. */
  category: string;
  quantity: Float64Array;
  /** Price per unit in centavos (hundredths of the currency); 0 where unknown. */
  priceCentavos: Float64Array;
}

const REQUIRED = ['date', 'item', 'units'] as const;
const OPTIONAL = ['price', 'category'] as const;
const KNOWN = new Set<string>([...REQUIRED, ...OPTIONAL]);
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Splits one CSV line (RFC 4180 quoting: `"a,b"`, `""` for a quote). */
function splitCsvLine(text: string, line: number): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur.trim() === '') {
      quoted = true;
      cur = '';
    } else if (ch === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (quoted) throw new SalesCsvError(line, 'a quoted field is not closed');
  out.push(cur.trim());
  return out;
}

function parseNumber(raw: string, column: string, line: number): number {
  if (!NUMBER.test(raw)) throw new SalesCsvError(line, `${column} "${raw}" is not a number (use a dot for decimals, no thousands separator)`);
  return Number(raw);
}

/**
 * Reads a sales history CSV: header `date,item,units` plus optional `price` (per unit) and
 * `category`, in any order. Dates are `YYYY-MM-DD`; several rows of one item on one day add up;
 * days without a row are zero sales. Throws `SalesCsvError` naming the first bad line.
 */
export function parseSalesCsv(text: string): SalesHistory {
  const lines = text.split(/\r?\n/);
  if (lines[0]?.charCodeAt(0) === 0xfeff) lines[0] = lines[0].slice(1);
  const header = splitCsvLine(lines[0] ?? '', 1).map((h) => h.toLowerCase());
  const unknown = header.filter((h) => !KNOWN.has(h));
  if (unknown.length > 0) throw new SalesCsvError(1, `unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}; expected date,item,units and optionally price,category`);
  const missing = REQUIRED.filter((r) => !header.includes(r));
  if (missing.length > 0) throw new SalesCsvError(1, `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; the header must name date,item,units`);
  const dup = header.find((h, i) => header.indexOf(h) !== i);
  if (dup) throw new SalesCsvError(1, `column "${dup}" appears twice`);
  const col = Object.fromEntries(header.map((h, i) => [h, i])) as Record<string, number | undefined>;

  interface Row { day: number; item: string; units: number; price?: number; category?: string }
  const rows: Row[] = [];
  let minDay = Infinity;
  let maxDay = -Infinity;
  for (let n = 1; n < lines.length; n++) {
    const raw = lines[n]!;
    if (raw.trim() === '') continue;
    const line = n + 1;
    const f = splitCsvLine(raw, line);
    if (f.length !== header.length) throw new SalesCsvError(line, `${f.length} fields, the header has ${header.length}`);
    const date = f[col.date!]!;
    let day: number;
    try {
      if (!ISO_DAY.test(date)) throw new RangeError();
      day = epochDay(date);
      if (isoDay(day) !== date) throw new RangeError();
    } catch {
      throw new SalesCsvError(line, `date "${date}" is not a calendar day written YYYY-MM-DD`);
    }
    const item = f[col.item!]!;
    if (item === '') throw new SalesCsvError(line, 'item is empty');
    const units = parseNumber(f[col.units!]!, 'units', line);
    if (units < 0) throw new SalesCsvError(line, `units must not be negative, got ${units} (returns are not sales)`);
    const row: Row = { day, item, units };
    if (col.price !== undefined && f[col.price] !== '') {
      row.price = parseNumber(f[col.price]!, 'price', line);
      if (row.price < 0) throw new SalesCsvError(line, `price must not be negative, got ${row.price}`);
    }
    if (col.category !== undefined && f[col.category] !== '') row.category = f[col.category]!;
    rows.push(row);
    if (day < minDay) minDay = day;
    if (day > maxDay) maxDay = day;
  }
  if (rows.length === 0) throw new SalesCsvError(lines.length, 'the file has a header but no sales rows');

  const days = maxDay - minDay + 1;
  const byName = new Map<string, SalesItem>();
  for (const r of rows) {
    let it = byName.get(r.item);
    if (!it) {
      it = { name: r.item, category: '', quantity: new Float64Array(days), priceCentavos: new Float64Array(days) };
      byName.set(r.item, it);
    }
    const i = r.day - minDay;
    it.quantity[i] = it.quantity[i]! + r.units;
    if (r.price !== undefined) it.priceCentavos[i] = Math.round(r.price * 100);
    if (r.category !== undefined && it.category === '') it.category = r.category;
  }
  const items = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { startDay: minDay, days, items };
}
