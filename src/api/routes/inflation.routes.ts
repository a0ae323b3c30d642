import express, { Router } from 'express';
import { z } from 'zod';
import { ConflictError, ServiceUnavailableError, ValidationError } from '../../shared/errors.js';
import { logger } from '../../shared/logging.js';
import { withTransaction } from '../../shared/db/transaction.js';
import { effectiveExpected, importIndexRows, listIndex, listRevisions, summarizeIndex, type ImportResult } from '../../shared/db/repositories/pricing-index.repository.js';
import { INDEX_SERIES, parseIndexCsv, rowProblems, type IndexRow } from '../../shared/domain/pricing/index-series.js';
import { formatPercent, parsePercentBp } from '../../shared/domain/pricing/rates.js';
import { indexRunId } from '../../shared/jobs/inflation-updates.contract.js';
import { enqueueApplyIndex, enqueueIndexImport } from '../../producers/inflation-updates.producer.js';
import type { ApiDeps } from '../deps.js';
import { requireRole } from '../middleware/auth.js';
import { parseInput } from '../middleware/validate.js';
import { registerOperations } from '../openapi.js';

const log = logger.child({ component: 'api' });

const periodSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM');

export const indexRowsSchema = z.strictObject({
  rows: z
    .array(
      z.strictObject({
        series: z.enum(INDEX_SERIES),
        period: periodSchema,
        /** Monthly change in percent, e.g. 2.7 */
        rate: z.union([z.string(), z.number()]),
        source: z.string().trim().min(1).max(200).default('api'),
      }),
    )
    .min(1)
    .max(2000),
});

const summaryView = (s: Awaited<ReturnType<typeof summarizeIndex>>[keyof Awaited<ReturnType<typeof summarizeIndex>>]) => ({
  latest: s.latest && { period: s.latest.period, rate: formatPercent(s.latest.rateBp) },
  trailing12mMeanRate: s.trailing12mMeanBp === null ? null : formatPercent(s.trailing12mMeanBp),
  last12mRate: s.last12mBp === null ? null : formatPercent(s.last12mBp),
});

/** `/v1/inflation-index`: the official and expected monthly series, JSON rows or CSV import. */
export function inflationRouter({ db, producer, config }: ApiDeps): Router {
  const router = Router();

  /** Stores rows in one transaction; a new effective expected rate starts repricing every product. */
  async function store(rows: IndexRow[]): Promise<ImportResult & { repricing: { runId: string; job: string } | null }> {
    const result = await withTransaction(db, (trx) => importIndexRows(trx, rows));
    return { ...result, repricing: result.expectedChanged ? await applyExpected() : null };
  }

  /** Queues repricing at the effective expected rate; one run per (period, revision), so repeating is harmless. */
  async function applyExpected(): Promise<{ runId: string; job: string } | null> {
    const rate = await effectiveExpected(db);
    if (!rate) return null;
    try {
      const job = await enqueueApplyIndex(producer, rate);
      return { runId: indexRunId(rate.period, rate.revision), job: `/v1/jobs/inflation-updates/${job}` };
    } catch (err) {
      log.warn('apply-index not enqueued', { period: rate.period, err });
      throw new ServiceUnavailableError('the index is saved, but repricing could not be queued; POST /v1/inflation-index/apply once the queue is back');
    }
  }

  router.get('/', async (req, res) => {
    const f = parseInput(z.strictObject({ series: z.enum(INDEX_SERIES).optional(), from: periodSchema.optional(), to: periodSchema.optional() }), req.query, 'query');
    const [items, summary] = await Promise.all([listIndex(db, f), summarizeIndex(db)]);
    res.json({ items, summary: { official: summaryView(summary.official), expected: summaryView(summary.expected) } });
  });

  router.post('/', requireRole('negocio'), async (req, res) => {
    const input = parseInput(indexRowsSchema, req.body);
    const errors: { path: string; message: string }[] = [];
    const seen = new Set<string>();
    const rows = input.rows.map((r, i): IndexRow => {
      const rateBp = parsePercentBp(r.rate);
      for (const message of rowProblems(r.series, r.period, rateBp)) errors.push({ path: `rows.${i}`, message });
      if (seen.has(`${r.series}/${r.period}`)) errors.push({ path: `rows.${i}`, message: `${r.series} ${r.period} appears twice` });
      seen.add(`${r.series}/${r.period}`);
      return { series: r.series, period: r.period, rateBp: rateBp ?? 0, source: r.source };
    });
    if (errors.length) throw new ValidationError(`nothing imported; fix these rows: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors);
    res.json(await store(rows));
  });

  router.post('/import', requireRole('negocio'), express.text({ type: ['text/csv', 'text/plain', 'application/csv'], limit: '1mb' }), async (req, res) => {
    const q = parseInput(z.strictObject({ series: z.enum(INDEX_SERIES).default('official'), source: z.string().trim().min(1).max(200).default('csv upload') }), req.query, 'query');
    if (typeof req.body !== 'string' || !req.body.trim()) {
      throw new ValidationError('send the CSV as the request body with Content-Type: text/csv', [{ path: '(body)', message: 'empty or not text/csv' }]);
    }
    const { rows, errors } = parseIndexCsv(req.body, { series: q.series, source: q.source });
    if (errors.length) {
      throw new ValidationError(
        `nothing imported; ${errors.length} bad line${errors.length > 1 ? 's' : ''}: ${errors.slice(0, 20).map((e) => `line ${e.line}: ${e.message}`).join('; ')}`,
        errors.map((e) => ({ path: `line ${e.line}`, message: e.message })),
      );
    }
    res.json(await store(rows));
  });

  router.post('/apply', requireRole('negocio'), async (_req, res) => {
    const repricing = await applyExpected();
    if (!repricing) throw new ConflictError('no_expected_rate', 'there is no expected series yet; POST rows with series "expected" first');
    res.status(202).json({ repricing });
  });

  router.post('/import-now', requireRole('negocio'), async (_req, res) => {
    // Only the configured source: the API never reads an arbitrary path or URL a client names.
    if (!config.INFLATION_INDEX_SOURCE) throw new ConflictError('no_index_source', 'no INFLATION_INDEX_SOURCE is configured; upload the CSV to POST /v1/inflation-index/import instead');
    const job = await enqueueIndexImport(producer, { source: config.INFLATION_INDEX_SOURCE, series: config.INFLATION_INDEX_SOURCE_SERIES });
    res.status(202).json({ job: { queue: 'inflation-updates', id: job, href: `/v1/jobs/inflation-updates/${job}` } });
  });

  router.get('/:series/:period/revisions', async (req, res) => {
    const p = parseInput(z.strictObject({ series: z.enum(INDEX_SERIES), period: periodSchema }), req.params, 'path');
    res.json({ series: p.series, period: p.period, revisions: await listRevisions(db, p.series, p.period) });
  });

  return router;
}

registerOperations('/v1/inflation-index', {
  get: { summary: 'Index rows (official = backward-looking, expected = forward-looking) and per series the latest rate against its trailing 12-month mean', query: ['series', 'from', 'to'], responses: { 200: 'rows and summary' } },
  post: {
    summary: 'Add or revise monthly rows; a changed rate is a revision (old value kept). A new effective expected rate reprices every product',
    role: 'negocio',
    body: indexRowsSchema,
    responses: { 200: '{inserted, revised, unchanged, repricing}', 400: 'bad rows listed, nothing imported' },
  },
});
registerOperations('/v1/inflation-index/import', {
  post: { summary: 'Import a CSV (Content-Type: text/csv; header period + rate_pct|cpi_monthly_pct, optional series, source); ?series= default for rows without one', role: 'negocio', query: ['series', 'source'], responses: { 200: 'imported', 400: 'bad lines listed, nothing imported' } },
});
registerOperations('/v1/inflation-index/apply', { post: { summary: 'Reprice every product at the effective expected rate (idempotent per period and revision)', role: 'negocio', responses: { 202: 'queued', 409: 'no expected series' } } });
registerOperations('/v1/inflation-index/import-now', { post: { summary: 'Run the scheduled import of the configured INFLATION_INDEX_SOURCE now', role: 'negocio', responses: { 202: 'queued', 409: 'no source configured' } } });
registerOperations('/v1/inflation-index/{series}/{period}/revisions', { get: { summary: 'Revisions of one published figure', responses: { 200: 'revisions' } } });
