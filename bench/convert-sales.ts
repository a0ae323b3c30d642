/**
 * Turns a public sales file into the backtest's CSV (`date,item,units[,price]`), for the
 * forecast bench. Third-party files stay outside the repository: read from --in, written to --out.
 *
 *   Line-per-sale files (one row per ticket line):
 *     tsx bench/convert-sales.ts --in orders.csv --out sales.csv --date "Order Date" --date-format dmy \
 *       --item description --units Quantity --price "Product Price" --top 25 --last-days 500
 *   Wide files (one row per ticket, one quantity column per item, columns from --first-item on):
 *     tsx bench/convert-sales.ts --in tickets.csv --out sales.csv --date datetime --wide --first-item 4 --skip-last 1
 *
 * `--top N` keeps the N best-selling items over the kept days; `--skip-top K` drops the K best first
 * (the slow sellers of a shop make an intermittent set).
 * Dates may carry a time after a space; `--date-format` is `ymd` (2019-07-11) or `dmy` (11/07/19).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: o } = parseArgs({
  options: {
    in: { type: 'string' },
    out: { type: 'string' },
    date: { type: 'string' },
    'date-format': { type: 'string', default: 'ymd' },
    item: { type: 'string' },
    units: { type: 'string' },
    price: { type: 'string' },
    wide: { type: 'boolean', default: false },
    'first-item': { type: 'string', default: '1' },
    'skip-last': { type: 'string', default: '0' },
    top: { type: 'string' },
    'skip-top': { type: 'string', default: '0' },
    'last-days': { type: 'string' },
  },
});
if (!o.in || !o.out || !o.date) throw new Error('--in, --out and --date are required');

function splitLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function isoDate(raw: string): string | undefined {
  const d = raw.trim().split(' ')[0] ?? '';
  if (o['date-format'] === 'dmy') {
    const [dd, mm, yy] = d.split('/');
    if (!dd || !mm || !yy) return undefined;
    return `${yy.length === 2 ? `20${yy}` : yy}-${mm.padStart(2, '0')}-${dd.padStart(2, '0')}`;
  }
  return /^\d{4}-\d{2}-\d{2}$/.test(d) ? d : undefined;
}

const lines = readFileSync(o.in, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
const header = splitLine(lines[0]!).map((h) => h.trim());
const col = (name: string): number => {
  const i = header.indexOf(name);
  if (i < 0) throw new Error(`no column "${name}" in ${o.in}; columns: ${header.join(', ')}`);
  return i;
};
const dateCol = col(o.date);
const units = new Map<string, number>();
const price = new Map<string, string>();
let last = '';
const add = (date: string, item: string, q: number, p?: string) => {
  const key = `${date}\u0000${item}`;
  units.set(key, (units.get(key) ?? 0) + q);
  if (p) price.set(key, p);
  if (date > last) last = date;
};
for (const line of lines.slice(1)) {
  const f = splitLine(line);
  const date = isoDate(f[dateCol] ?? '');
  if (!date) continue;
  if (o.wide) {
    const first = Number(o['first-item']);
    const end = header.length - Number(o['skip-last']);
    for (let j = first; j < end; j++) {
      const q = Number(f[j] || 0);
      if (q > 0) add(date, header[j]!, q);
    }
  } else {
    if (!o.item || !o.units) throw new Error('--item and --units are required without --wide');
    const q = Number(f[col(o.units)]);
    if (q > 0) add(date, f[col(o.item)]!.trim(), q, o.price ? f[col(o.price)]?.trim() : undefined);
  }
}
const from = o['last-days'] ? new Date(Date.parse(`${last}T00:00:00Z`) - (Number(o['last-days']) - 1) * 86_400_000).toISOString().slice(0, 10) : '';
const totals = new Map<string, number>();
for (const [key, q] of units) {
  const [date, item] = key.split('\u0000') as [string, string];
  if (date >= from) totals.set(item, (totals.get(item) ?? 0) + q);
}
const keep = new Set([...totals].sort((a, b) => b[1] - a[1]).slice(Number(o['skip-top']), o.top ? Number(o['skip-top']) + Number(o.top) : undefined).map(([item]) => item));
const quote = (s: string) => (/[",]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
const rows = [o.price ? 'date,item,units,price' : 'date,item,units'];
for (const [key, q] of [...units].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
  const [date, item] = key.split('\u0000') as [string, string];
  if (date < from || !keep.has(item)) continue;
  rows.push([date, quote(item), String(q), ...(o.price ? [price.get(key) ?? ''] : [])].join(','));
}
writeFileSync(o.out, `${rows.join('\n')}\n`);
console.log(`${rows.length - 1} rows, ${keep.size} items, ${from || 'all days'} … ${last} → ${o.out}`);
