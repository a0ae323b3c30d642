import { z } from 'zod';
import { isoDay } from '../validation.js';
import { defineContract, standardJobOptions } from './contract.js';


/** Products per `forecast-products` job: one ONNX batch of 14 rows each. */
export const FORECAST_CHUNK_SIZE = 250;

/**
 * `demand-forecasts`: nightly forecasts and reorder suggestions, weekly retraining.
 * - `plan-forecasts`: refresh the daily sales aggregate, open a run, fan out chunks.
 * - `forecast-products`: one chunk of products → forecasts + reorder suggestions (one transaction).
 * - `train-model`: train, validate against baselines, export ONNX, store (and maybe activate) a version.
 */
export const demandForecastsContract = defineContract({
  queue: 'demand-forecasts',
  jobs: {
    'plan-forecasts': z.object({ originDay: isoDay.optional() }),
    'forecast-products': z.object({
      runKey: z.string().min(1).max(100),
      originDay: isoDay,
      modelVersion: z.string().min(1).max(100),
      chunk: z.number().int().min(0),
      productIds: z.array(z.number().int().positive()).min(1).max(FORECAST_CHUNK_SIZE),
    }),
    'train-model': z.object({
      trainedThrough: isoDay.optional(),
      reason: z.enum(['schedule', 'manual']).default('manual'),
    }),
  },
  defaultJobOptions: { ...standardJobOptions, attempts: 4 },
  jobOptions: {
    'train-model': { attempts: 2, removeOnComplete: { age: 30 * 24 * 3600, count: 100 } },
  },
});

/** Job ids: one chunk job per (run, chunk); one plan per origin day; one training per window end. */
export const forecastChunkJobId = (runKey: string, chunk: number) => `fc-${runKey}-${chunk}`;
export const planJobId = (originDay: string) => `fplan-${originDay}`;
export const trainJobId = (trainedThrough: string) => `ftrain-${trainedThrough}`;

/** Job scheduler ids and their cron patterns (shop time). */
export const FORECAST_SCHEDULES = {
  nightlyForecast: { id: 'demand-forecasts-nightly', pattern: '30 2 * * *' },
  weeklyRetrain: { id: 'demand-forecasts-weekly-retrain', pattern: '0 4 * * 1' },
} as const;
