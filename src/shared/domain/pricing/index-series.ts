/**
 * Inflation index series as data: `official` (backward-looking, e.g. the national CPI) and
 * `expected` (forward-looking market expectations), one monthly change per period.
 */
import { BP, parsePercentBp } from './rates.js';

export const INDEX_SERIES = ['official', 'expected'] as const;
export type IndexSeries = (typeof INDEX_SERIES)[number];

export interface IndexRow {
  series: IndexSeries;
  /** 'YYYY-MM'. */
  period: string;
  /** Monthly change in basis points (2.7 % = 270). */
  rateBp: number;
  source: string;
}

export interface CsvLineError {
  /** 1-based line number in the file (the header is line 1). */
  line: number;
  message: string;
}

const PERIOD_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
const RATE_COLUMNS = ['rate_pct', 'monthly_pct', 'cpi_monthly_pct', 'rate'];
/** A monthly change outside this band is a typo, not a statistic. */
export const MIN_RATE_BP = -5_000;
export const MAX_RATE_BP = 100_000;

export const isPeriod = (s: string) => PERIOD_RE.test(s);

/** Validates one row as the API receives it; returns the problems (empty when fine). */
export function rowProblems(series: string, period: string, rateBp: number | undefined): string[] {
  const problems: string[] = [];
  if (!(INDEX_SERIES as readonly string[]).includes(series)) problems.push(`series must be one of ${INDEX_SERIES.join(', ')}, not ${JSON.stringify(series)}`);
  if (!isPeriod(period)) problems.push(`period must be YYYY-MM, not ${JSON.stringify(period)}`);
  if (rateBp === undefined) problems.push('the rate must be a percent with at most 2 decimals, e.g. 2.7');
  else if (rateBp < MIN_RATE_BP || rateBp > MAX_RATE_BP) problems.push(`a monthly change of ${rateBp / 100} % is outside ${MIN_RATE_BP / 100} … ${MAX_RATE_BP / 100} %`);
  return problems;
}

function splitCsvLine(line: string): string[] | undefined {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (ch === ',') {
      out.push(field.trim());
      field = '';
    } else field += ch;
  }
  if (quoted) return undefined;
  out.push(field.trim());
  return out;
}

/**
 * Parses an index CSV. The header names the columns: `period` and a rate column
 * (`rate_pct`, `monthly_pct`, `cpi_monthly_pct` or `rate`, in percent) are required; `series`
 * and `source` are optional (defaults from the caller). Every bad line is reported; the caller
 * imports nothing when there is any.
 */
export function parseIndexCsv(text: string, defaults: { series: IndexSeries; source: string }): { rows: IndexRow[]; errors: CsvLineError[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const errors: CsvLineError[] = [];
  const header = splitCsvLine(lines[0] ?? '')?.map((h) => h.toLowerCase());
  const col = (names: string[]) => header?.findIndex((h) => names.includes(h)) ?? -1;
  const iPeriod = col(['period']);
  const iRate = col(RATE_COLUMNS);
  const iSeries = col(['series']);
  const iSource = col(['source']);
  if (iPeriod < 0 || iRate < 0) {
    return { rows: [], errors: [{ line: 1, message: `the header must name a "period" column and a rate column (${RATE_COLUMNS.join(' | ')})` }] };
  }
  const rows: IndexRow[] = [];
  const seen = new Map<string, number>();
  lines.slice(1).forEach((raw, idx) => {
    const line = idx + 2;
    if (raw.trim() === '') return;
    const cells = splitCsvLine(raw);
    if (!cells) return void errors.push({ line, message: 'unterminated quote' });
    if (cells.length !== header!.length) return void errors.push({ line, message: `expected ${header!.length} fields, found ${cells.length}` });
    const series = iSeries >= 0 ? cells[iSeries]!.toLowerCase() || defaults.series : defaults.series;
    const period = cells[iPeriod]!;
    const rateBp = parsePercentBp(cells[iRate]!);
    const problems = rowProblems(series, period, rateBp);
    const key = `${series}/${period}`;
    if (!problems.length && seen.has(key)) problems.push(`${key} is already on line ${seen.get(key)}`);
    if (problems.length) return void errors.push({ line, message: problems.join('; ') });
    seen.set(key, line);
    rows.push({ series: series as IndexSeries, period, rateBp: rateBp!, source: (iSource >= 0 && cells[iSource]) || defaults.source });
  });
  if (!rows.length && !errors.length) errors.push({ line: 1, message: 'the file has no data rows' });
  return { rows, errors };
}

export interface StoredIndexRow {
  rateBp: number;
  revision: number;
}

export interface IndexDiff {
  inserted: IndexRow[];
  /** Rows whose rate changed: a revision of a published figure. */
  revised: (IndexRow & { previousRateBp: number; revision: number })[];
  unchanged: number;
}

export const indexKey = (series: string, period: string) => `${series}/${period}`;

/** Compares incoming rows with what is stored (by `series/period`): new, revised and unchanged rows. */
export function diffIndexRows(stored: ReadonlyMap<string, StoredIndexRow>, incoming: readonly IndexRow[]): IndexDiff {
  const diff: IndexDiff = { inserted: [], revised: [], unchanged: 0 };
  for (const row of incoming) {
    const old = stored.get(indexKey(row.series, row.period));
    if (!old) diff.inserted.push(row);
    else if (old.rateBp !== row.rateBp) diff.revised.push({ ...row, previousRateBp: old.rateBp, revision: old.revision + 1 });
    else diff.unchanged++;
  }
  return diff;
}

/** Compounds monthly changes: Π(1 + rᵢ) − 1, in basis points (half-up). */
export function compoundBp(ratesBp: readonly number[]): number {
  const b = BigInt(BP);
  let num = 1n;
  let den = 1n;
  for (const r of ratesBp) {
    num *= b + BigInt(r);
    den *= b;
  }
  const scaled = (num - den) * b;
  const neg = scaled < 0n;
  const abs = neg ? -scaled : scaled;
  const q = Number((2n * abs + den) / (2n * den));
  return neg ? -q : q;
}

export interface SeriesSummary {
  latest: { period: string; rateBp: number } | null;
  /** Mean monthly change of the 12 months before the latest one (bp, half-up); null with fewer than 12. */
  trailing12mMeanBp: number | null;
  /** Compounded change over the last 12 months up to the latest (bp); null with fewer than 12. */
  last12mBp: number | null;
  /** The latest month is above 2.5× its baseline or below a fifth of it: a typo, or a shock worth a look before repricing on it. */
  anomaly: boolean;
}

/**
 * Anomaly band around the trailing mean, as factors in tenths. Asymmetric because real
 * disinflation falls fast (2024: a quarter of the trailing mean) while a jump above 2.5× has
 * only come with a shock (or a misplaced decimal point).
 */
export const ANOMALY_UP_TENTHS = 25;
export const ANOMALY_DOWN_TENTHS = 2;

/** Latest monthly change against its trailing 12-month baseline (rows in any order, one series). */
export function summarizeSeries(rows: readonly { period: string; rateBp: number }[]): SeriesSummary {
  const sorted = [...rows].sort((a, b) => a.period.localeCompare(b.period));
  const latest = sorted.at(-1) ?? null;
  const before = sorted.slice(-13, -1);
  const mean = before.length === 12 ? Math.round(before.reduce((s, r) => s + r.rateBp, 0) / 12) : null;
  const last12 = sorted.slice(-12);
  const anomaly = latest !== null && mean !== null && mean > 0 && (latest.rateBp * 10 > ANOMALY_UP_TENTHS * mean || latest.rateBp * 10 < ANOMALY_DOWN_TENTHS * mean);
  return {
    latest: latest && { period: latest.period, rateBp: latest.rateBp },
    trailing12mMeanBp: mean,
    last12mBp: last12.length === 12 ? compoundBp(last12.map((r) => r.rateBp)) : null,
    anomaly,
  };
}

/** 'YYYY-MM' of a date, in UTC. */
export const periodOf = (d: Date) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;

/**
 * The expected rate in force for a month: that month's row, else the latest earlier one, else
 * the earliest later one; null for an empty series.
 */
export function effectiveRate<T extends { period: string }>(rows: readonly T[], asOfPeriod: string): T | null {
  const sorted = [...rows].sort((a, b) => a.period.localeCompare(b.period));
  let pick: T | null = null;
  for (const r of sorted) if (r.period <= asOfPeriod) pick = r;
  return pick ?? sorted[0] ?? null;
}
