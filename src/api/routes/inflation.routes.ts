import express, { type Router } from 'express';
import { z } from 'zod';
import { ConflictError, ValidationError } from '../../shared/errors.js';
import { listIndex, listRevisions, summarizeIndex } from '../../shared/db/repositories/pricing-index.repository.js';
import { INDEX_SERIES, parseIndexCsv } from '../../shared/domain/pricing/index-series.js';
import { formatPercent } from '../../shared/domain/pricing/rates.js';
import { applyExpectedRate, importIndex, storeIndexRows } from '../../shared/use-cases/inflation-index.js';
import { enqueueApplyIndex, enqueueIndexImport } from '../../producers/inflation-updates.producer.js';
import type { ApiDeps } from '../deps.js';
import { ApiRouter, decimalString, timestamp } from '../openapi.js';

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

const indexRowSchema = z
  .strictObject({ series: z.enum(INDEX_SERIES), period: z.string(), rate: decimalString.meta({ description: 'monthly change in percent' }), source: z.string(), revision: z.int(), updatedAt: timestamp })
  .meta({ id: 'IndexRow' });
const seriesSummarySchema = z.strictObject({
  latest: z.strictObject({ period: z.string(), rate: decimalString }).nullable(),
  trailing12mMeanRate: decimalString.nullable(),
  last12mRate: decimalString.nullable(),
});
const repricingSchema = z.strictObject({ runId: z.string(), job: z.string().meta({ description: 'link to the job' }) });
const importResultSchema = z
  .strictObject({
    inserted: z.int(),
    revised: z.int(),
    unchanged: z.int(),
    expectedChanged: z.boolean(),
    revisions: z.array(z.strictObject({ series: z.enum(INDEX_SERIES), period: z.string(), previousRate: decimalString, rate: decimalString, revision: z.int() })),
    repricing: repricingSchema.nullable(),
  })
  .meta({ id: 'IndexImportResult' });
const csvQuery = z.strictObject({ series: z.enum(INDEX_SERIES).default('official'), source: z.string().trim().min(1).max(200).default('csv upload') });

const summaryView = (s: Awaited<ReturnType<typeof summarizeIndex>>[keyof Awaited<ReturnType<typeof summarizeIndex>>]) => ({
  latest: s.latest && { period: s.latest.period, rate: formatPercent(s.latest.rateBp) },
  trailing12mMeanRate: s.trailing12mMeanBp === null ? null : formatPercent(s.trailing12mMeanBp),
  last12mRate: s.last12mBp === null ? null : formatPercent(s.last12mBp),
});

/** `/v1/inflation-index`: the official and expected monthly series, JSON rows or CSV import. */
export function inflationRouter({ db, producer, config }: ApiDeps): Router {
  const api = new ApiRouter('/v1/inflation-index');

  const queue = { enqueueApplyIndex: (rate: Parameters<typeof enqueueApplyIndex>[1]) => enqueueApplyIndex(producer, rate) };

  api.route('get', '/', {
    summary: 'Index rows (official = backward-looking, expected = forward-looking) and per series the latest rate against its trailing 12-month mean',
    query: z.strictObject({ series: z.enum(INDEX_SERIES).optional(), from: periodSchema.optional(), to: periodSchema.optional() }),
    responses: { 200: z.strictObject({ items: z.array(indexRowSchema), summary: z.strictObject({ official: seriesSummarySchema, expected: seriesSummarySchema }) }) },
  }, async (_req, res, { query: f }) => {
    const [items, summary] = await Promise.all([listIndex(db, f), summarizeIndex(db)]);
    res.json({ items, summary: { official: summaryView(summary.official), expected: summaryView(summary.expected) } });
  });

  api.route('post', '/', {
    summary: 'Add or revise monthly rows; a changed rate is a revision (old value kept). A new effective expected rate reprices every product',
    roles: ['negocio'],
    body: indexRowsSchema,
    responses: { 200: importResultSchema },
    errors: [503],
  }, async (_req, res, { body }) => {
    res.json(await importIndex(db, queue, body.rows));
  });

  api.route('post', '/import', {
    summary: 'Import a CSV (header period + rate_pct|cpi_monthly_pct, optional series, source); ?series= is the default for rows without one',
    roles: ['negocio'],
    use: [express.text({ type: ['text/csv', 'text/plain', 'application/csv'], limit: '1mb' })],
    query: csvQuery,
    rawBody: { contentType: 'text/csv', schema: z.string(), description: 'CSV lines; bad lines are listed and nothing is imported' },
    responses: { 200: importResultSchema },
    errors: [413, 503],
  }, async (req, res, { query: q }) => {
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
    res.json(await storeIndexRows(db, queue, rows));
  });

  api.route('post', '/apply', {
    summary: 'Reprice every product at the effective expected rate (idempotent per period and revision)',
    roles: ['negocio'],
    responses: { 202: z.strictObject({ repricing: repricingSchema }) },
    errors: [409, 503],
  }, async (_req, res) => {
    const repricing = await applyExpectedRate(db, queue);
    if (!repricing) throw new ConflictError('no_expected_rate', 'there is no expected series yet; POST rows with series "expected" first');
    res.status(202).json({ repricing });
  });

  api.route('post', '/import-now', {
    summary: 'Run the scheduled import of the configured INFLATION_INDEX_SOURCE now',
    roles: ['negocio'],
    responses: { 202: z.strictObject({ job: z.strictObject({ queue: z.literal('inflation-updates'), id: z.string(), href: z.string() }) }) },
    errors: [409],
  }, async (_req, res) => {
    // Only the configured source: the API never reads an arbitrary path or URL a client names.
    if (!config.INFLATION_INDEX_SOURCE) throw new ConflictError('no_index_source', 'no INFLATION_INDEX_SOURCE is configured; upload the CSV to POST /v1/inflation-index/import instead');
    const job = await enqueueIndexImport(producer, { source: config.INFLATION_INDEX_SOURCE, series: config.INFLATION_INDEX_SOURCE_SERIES });
    res.status(202).json({ job: { queue: 'inflation-updates', id: job, href: `/v1/jobs/inflation-updates/${job}` } });
  });

  api.route('get', '/:series/:period/revisions', {
    summary: 'Revisions of one published figure',
    params: z.strictObject({ series: z.enum(INDEX_SERIES), period: periodSchema }),
    responses: {
      200: z.strictObject({
        series: z.enum(INDEX_SERIES),
        period: z.string(),
        revisions: z.array(z.strictObject({ revision: z.int(), previousRate: decimalString, rate: decimalString, source: z.string(), recordedAt: timestamp })),
      }),
    },
  }, async (_req, res, { params: p }) => {
    res.json({ series: p.series, period: p.period, revisions: await listRevisions(db, p.series, p.period) });
  });

  return api.router;
}
