import { WaitingError } from 'bullmq';
import { SHOP_TIME_ZONE } from '../shared/db/repositories/forecasts.repository.js';
import { FORECAST_SCHEDULES, demandForecastsContract, forecastChunkJobId, planJobId, trainJobId } from '../shared/jobs/demand-forecasts.contract.js';
import { logger } from '../shared/logging.js';
import { defineWorker } from './define-worker.js';
import { forecastChunk, lastCompleteDay, planForecastRun, ServingSessions, trainModel } from './processors/demand-forecasts.processor.js';
import { TrainingThreads } from './processors/demand-forecasts.threads.js';
import { TrainingAbandonedError } from '../shared/errors.js';

const log = logger.child({ component: 'demand-forecasts' });

/**
 * `demand-forecasts`: CPU-bound, so one job at a time per replica. Training runs in a worker
 * thread (the event loop keeps renewing locks, so the default lock duration holds); a chunk's
 * features and ONNX batch take tens of milliseconds and stay on the event loop.
 */
export default defineWorker({
  contract: demandForecastsContract,
  options: () => ({ concurrency: 1 }),
  setup: ({ db, producer }) => {
    // One set per start: a shutdown abandons it for good, the next start gets a new one.
    const trainer = new TrainingThreads();
    const sessions = new ServingSessions();
    return {
      handlers: {
        'plan-forecasts': async ({ originDay }) => {
          const run = await planForecastRun(db, { originDay });
          // Chunk ids derive from the run key: a replayed plan enqueues nothing new.
          await producer.enqueueBulk(
            demandForecastsContract,
            'forecast-products',
            run.chunks.map((c) => ({
              payload: { runKey: run.runKey, originDay: run.originDay, modelVersion: run.modelVersion, chunk: c.chunk, productIds: c.productIds },
              idempotencyKey: forecastChunkJobId(run.runKey, c.chunk),
            })),
          );
          log.info('forecast run planned', { runKey: run.runKey, chunks: run.chunks.length, driftRatio: run.driftRatio });
          return { runKey: run.runKey, chunks: run.chunks.length, modelVersion: run.modelVersion, driftRatio: run.driftRatio ?? null };
        },
        'forecast-products': async (payload, { job }) => {
          const result = await forecastChunk(db, payload, sessions);
          await job.updateProgress(100);
          return result;
        },
        'train-model': async ({ trainedThrough }, { job }) => {
          let outcome;
          try {
            outcome = await trainModel(db, {
              trainedThrough,
              threads: trainer,
              // Progress is informative: a failed update must not cost the training.
              onStage: (stage) => void job.updateProgress({ stage }).catch((err: unknown) => log.warn('job progress update failed', { jobId: job.id, err })),
            });
          } catch (err) {
            if (!(err instanceof TrainingAbandonedError)) throw err;
            // Shutdown cut the training short: back to the head of the queue without spending an attempt.
            await job.moveToWait(job.token);
            log.warn('training abandoned at shutdown, job returned to the queue', { jobId: job.id });
            throw new WaitingError();
          }
          log.info('model trained', { version: outcome.version, activated: outcome.activated, reason: outcome.reason, trainingMs: outcome.trainingMs, validationMs: outcome.validationMs });
          return {
            version: outcome.version,
            activated: outcome.activated,
            reason: outcome.reason,
            modelWape: outcome.validation.overall.model.wape,
            bestBaseline: outcome.validation.bestBaseline,
            bestBaselineWape: outcome.validation.overall[outcome.validation.bestBaseline].wape,
          };
        },
      },
      // Upserting schedulers is idempotent, so every replica may do it at boot.
      onStart: async () => {
        // Catch up at boot (first start, or a night the schedulers missed): the job ids of the day
        // dedupe across replicas, and FIFO order trains before it forecasts.
        const day = lastCompleteDay();
        const sold = await db.selectFrom('stock_movements').select('id').where('type', '=', 'sale').limit(1).executeTakeFirst();
        if (sold) {
          const model = await db.selectFrom('model_versions').select('id').limit(1).executeTakeFirst();
          if (!model) await producer.enqueue(demandForecastsContract, 'train-model', { trainedThrough: day, reason: 'schedule' }, { idempotencyKey: trainJobId(day) });
          const run = await db.selectFrom('forecast_runs').select('id').where('origin_day', '=', day).executeTakeFirst();
          if (!run) await producer.enqueue(demandForecastsContract, 'plan-forecasts', { originDay: day }, { idempotencyKey: planJobId(day) });
        }
        const { nightlyForecast, weeklyRetrain } = FORECAST_SCHEDULES;
        await producer.schedule(demandForecastsContract, nightlyForecast.id, { pattern: nightlyForecast.pattern, tz: SHOP_TIME_ZONE }, 'plan-forecasts', {});
        await producer.schedule(demandForecastsContract, weeklyRetrain.id, { pattern: weeklyRetrain.pattern, tz: SHOP_TIME_ZONE }, 'train-model', { reason: 'schedule' });
      },
      onShutdown: () => trainer.abandon(),
      onClose: () => sessions.release(),
    };
  },
});
