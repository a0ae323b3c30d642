import type { Router } from 'express';
import { z } from 'zod';
import { isoDay } from '../../shared/validation.js';
import { enqueueForecastRun, enqueueTraining } from '../../producers/demand-forecasts.producer.js';
import { listModelVersions, NO_SUPPLIER } from '../../shared/db/repositories/forecast-views.repository.js';
import { getProductForecast, getReorderSuggestions } from '../../shared/use-cases/forecasts.js';
import type { ApiDeps } from '../deps.js';
import { ApiRouter, decimalString, isoDay as isoDayOut, timestamp } from '../openapi.js';

const locationCode = z.string().trim().toUpperCase().min(1).max(32);
const units = z.enum(['unit', 'kg', 'l']);

const forecastQuery = z.strictObject({ sku: z.string().trim().min(1), location: locationCode.optional() });
const suggestionQuery = z.strictObject({
  location: locationCode.optional(),
  supplier: z.string().trim().min(1).optional().meta({ description: `supplier code; ${NO_SUPPLIER} for products without one` }),
  originDay: isoDay.optional(),
  all: z.enum(['true', 'false']).transform((v) => v === 'true').optional().meta({ description: 'also suggestions with nothing to order' }),
});
const runBody = z.strictObject({ originDay: isoDay.optional() });
const trainBody = z.strictObject({ trainedThrough: isoDay.optional() });

const forecastSchema = z
  .strictObject({
    sku: z.string(),
    name: z.string(),
    unit: units,
    modelVersion: z.string().nullable(),
    originDay: isoDayOut.nullable(),
    items: z.array(
      z.strictObject({ location: z.string(), day: isoDayOut, horizon: z.int(), mean: decimalString, p50: decimalString, p90: decimalString, method: z.string(), productClass: z.string() }),
    ),
  })
  .meta({ id: 'ProductForecast' });

const suggestionSchema = z
  .strictObject({
    sku: z.string(),
    name: z.string(),
    unit: units,
    location: z.string(),
    supplier: z.string(),
    leadTimeDays: z.int().meta({ description: 'days from ordering to the shelf' }),
    reviewPeriodDays: z.int().meta({ description: 'days until the next chance to order' }),
    demand: decimalString,
    safetyStock: decimalString,
    onHand: decimalString,
    onOrder: decimalString,
    packSize: decimalString,
    packs: z.int(),
    quantity: decimalString,
    modelVersion: z.string(),
  })
  .meta({ id: 'ReorderSuggestion' });

const modelSchema = z
  .strictObject({
    version: z.string(),
    kind: z.string(),
    active: z.boolean(),
    trainedFrom: isoDayOut,
    trainedThrough: isoDayOut,
    trainingRows: z.int(),
    trainingMs: z.int(),
    activationReason: z.string(),
    servingPlan: z.unknown(),
    validation: z.strictObject({ overall: z.unknown(), byClass: z.unknown(), bestBaseline: z.string().optional(), onnxParityMaxRelDiff: z.number().optional() }),
    onnxBytes: z.int(),
    onnxSha256: z.string(),
    createdAt: timestamp,
    activatedAt: timestamp.nullable(),
  })
  .meta({ id: 'ModelVersion' });

const queuedJob = (job: string, extra: z.ZodRawShape) => z.strictObject({ jobId: z.string(), queue: z.literal('demand-forecasts'), job: z.literal(job), ...extra });

/** Forecasts, reorder suggestions, purchase-order drafts and model versions. */
export function forecastsRouter({ db, producer }: ApiDeps): Router {
  const api = new ApiRouter('/v1');

  api.route('get', '/forecasts', {
    summary: 'Forecasts (p50, p90) for the next 14 days',
    query: forecastQuery,
    responses: { 200: forecastSchema },
    errors: [404],
  }, async (_req, res, { query }) => {
    res.json(await getProductForecast(db, query));
  });

  api.route('get', '/reorder-suggestions', {
    summary: 'What to order, from whom and how much',
    query: suggestionQuery,
    responses: { 200: z.strictObject({ originDay: isoDayOut.nullable(), items: z.array(suggestionSchema) }) },
    errors: [404],
  }, async (_req, res, { query }) => {
    res.json(await getReorderSuggestions(db, query));
  });

  api.route('get', '/models', {
    summary: 'Model versions with training window and validation scores',
    responses: { 200: z.strictObject({ items: z.array(modelSchema) }) },
  }, async (_req, res) => {
    res.json({ items: await listModelVersions(db) });
  });

  api.route('post', '/forecasts/runs', {
    summary: 'Start a forecast run now',
    roles: ['negocio', 'ml_service'],
    body: runBody,
    bodyRequired: false,
    responses: { 202: queuedJob('plan-forecasts', { originDay: isoDayOut.nullable() }) },
  }, async (_req, res, { body }) => {
    const jobId = await enqueueForecastRun(producer, body.originDay);
    res.status(202).json({ jobId, queue: 'demand-forecasts', job: 'plan-forecasts', originDay: body.originDay ?? null });
  });

  api.route('post', '/models/train', {
    summary: 'Train a new model version',
    roles: ['ml_service'],
    body: trainBody,
    bodyRequired: false,
    responses: { 202: queuedJob('train-model', { trainedThrough: isoDayOut.nullable() }) },
  }, async (_req, res, { body }) => {
    const jobId = await enqueueTraining(producer, body.trainedThrough);
    res.status(202).json({ jobId, queue: 'demand-forecasts', job: 'train-model', trainedThrough: body.trainedThrough ?? null });
  });

  return api.router;
}
