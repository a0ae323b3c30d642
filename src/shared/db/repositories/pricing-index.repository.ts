import { sql, type Transaction } from 'kysely';
import type { DB, Database } from '../database.js';
import {
  diffIndexRows,
  effectiveRate,
  indexKey,
  periodOf,
  summarizeSeries,
  type IndexDiff,
  type IndexRow,
  type IndexSeries,
  type SeriesSummary,
} from '../../domain/pricing/index-series.js';
import { formatPercent, percentColumnBp } from '../../domain/pricing/rates.js';

export interface ImportResult {
  inserted: number;
  revised: number;
  unchanged: number;
  /** The effective expected rate changed: prices ahead of inflation need a new run. */
  expectedChanged: boolean;
  revisions: { series: IndexSeries; period: string; previousRate: string; rate: string; revision: number }[];
}

/**
 * Stores index rows in the caller's transaction. A row whose rate differs from the stored one
 * is a revision: the stored row is updated, its revision number goes up, and the value it
 * replaced is kept in `inflation_index_revisions`. Rows are locked in key order.
 */
export async function importIndexRows(trx: Transaction<DB>, rows: readonly IndexRow[], now = new Date()): Promise<ImportResult> {
  if (!rows.length) return { inserted: 0, revised: 0, unchanged: 0, expectedChanged: false, revisions: [] };
  const before = await effectiveExpected(trx, now);
  const keys = [...new Set(rows.map((r) => indexKey(r.series, r.period)))].sort();
  const { rows: stored } = await sql<{ series: IndexSeries; period: string; rate_pct: string; revision: number }>`
    SELECT series, period, rate_pct, revision FROM inflation_index
     WHERE series || '/' || period = ANY(${keys}::text[])
     ORDER BY series, period
       FOR UPDATE`.execute(trx);
  const diff: IndexDiff = diffIndexRows(new Map(stored.map((s) => [indexKey(s.series, s.period), { rateBp: percentColumnBp(s.rate_pct), revision: s.revision }])), rows);
  if (diff.inserted.length) {
    await trx
      .insertInto('inflation_index')
      .values(diff.inserted.map((r) => ({ series: r.series, period: r.period, rate_pct: formatPercent(r.rateBp), source: r.source })))
      .execute();
  }
  for (const r of diff.revised) {
    await trx
      .updateTable('inflation_index')
      .set({ rate_pct: formatPercent(r.rateBp), source: r.source, revision: r.revision, updated_at: now })
      .where('series', '=', r.series)
      .where('period', '=', r.period)
      .execute();
  }
  if (diff.revised.length) {
    await trx
      .insertInto('inflation_index_revisions')
      .values(diff.revised.map((r) => ({ series: r.series, period: r.period, revision: r.revision, previous_rate_pct: formatPercent(r.previousRateBp), rate_pct: formatPercent(r.rateBp), source: r.source })))
      .execute();
  }
  const after = await effectiveExpected(trx, now);
  return {
    inserted: diff.inserted.length,
    revised: diff.revised.length,
    unchanged: diff.unchanged,
    expectedChanged: (before?.rateBp ?? null) !== (after?.rateBp ?? null),
    revisions: diff.revised.map((r) => ({ series: r.series, period: r.period, previousRate: formatPercent(r.previousRateBp), rate: formatPercent(r.rateBp), revision: r.revision })),
  };
}

export interface EffectiveRate {
  period: string;
  rateBp: number;
  revision: number;
}

/** The expected monthly rate in force at `now` (see `effectiveRate`), or null without an expected series. */
export async function effectiveExpected(db: Database, now = new Date()): Promise<EffectiveRate | null> {
  const rows = await db.selectFrom('inflation_index').select(['period', 'rate_pct', 'revision']).where('series', '=', 'expected').execute();
  const pick = effectiveRate(rows, periodOf(now));
  return pick && { period: pick.period, rateBp: percentColumnBp(pick.rate_pct), revision: pick.revision };
}

export interface IndexRowView {
  series: IndexSeries;
  period: string;
  rate: string;
  source: string;
  revision: number;
  updatedAt: Date;
}

export async function listIndex(db: Database, f: { series?: IndexSeries; from?: string; to?: string }): Promise<IndexRowView[]> {
  let q = db.selectFrom('inflation_index').select(['series', 'period', 'rate_pct', 'source', 'revision', 'updated_at']);
  if (f.series) q = q.where('series', '=', f.series);
  if (f.from) q = q.where('period', '>=', f.from);
  if (f.to) q = q.where('period', '<=', f.to);
  const rows = await q.orderBy('series').orderBy('period').execute();
  return rows.map((r) => ({ series: r.series, period: r.period, rate: formatPercent(percentColumnBp(r.rate_pct)), source: r.source, revision: r.revision, updatedAt: r.updated_at }));
}

/** Latest rate and trailing 12-month baseline per series. */
export async function summarizeIndex(db: Database): Promise<Record<IndexSeries, SeriesSummary>> {
  const rows = await db.selectFrom('inflation_index').select(['series', 'period', 'rate_pct']).execute();
  const of = (series: IndexSeries) => summarizeSeries(rows.filter((r) => r.series === series).map((r) => ({ period: r.period, rateBp: percentColumnBp(r.rate_pct) })));
  return { official: of('official'), expected: of('expected') };
}

export async function listRevisions(db: Database, series: IndexSeries, period: string) {
  const rows = await db
    .selectFrom('inflation_index_revisions')
    .select(['revision', 'previous_rate_pct', 'rate_pct', 'source', 'recorded_at'])
    .where('series', '=', series)
    .where('period', '=', period)
    .orderBy('revision')
    .execute();
  return rows.map((r) => ({ revision: r.revision, previousRate: formatPercent(percentColumnBp(r.previous_rate_pct)), rate: formatPercent(percentColumnBp(r.rate_pct)), source: r.source, recordedAt: r.recorded_at }));
}
