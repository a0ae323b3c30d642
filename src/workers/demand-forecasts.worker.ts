import { Queue, WaitingError } from 'bullmq';
import { SHOP_TIME_ZONE } from '../shared/db/repositories/forecasts.repository.js';
import { FORECAST_SCHEDULES, demandForecastsContract, forecastChunkJobId, planJobId, trainJobId } from '../shared/jobs/demand-forecasts.contract.js';
import { logger } from '../shared/logging.js';
import { defineWorker } from './define-worker.js';
import { forecastChunk, lastCompleteDay, planForecastRun, releaseSessions, trainModel } from './processors/demand-forecasts.processor.js';
import { TrainingAbandonedError, TrainingThreads } from './processors/demand-forecasts.threads.js';

const log = logger.child({ component: 'demand-forecasts' });
let queue: Queue | undefined;
// One set per start: a shutdown abandons it for good, the next start gets a new one.
let trainer: TrainingThreads | undefined;

/**
 * `demand-forecasts`: CPU-bound, so one job at a time per replica. Training runs in a worker
 * thread (the event loop keeps renewing locks, so the default lock duration holds); a chunk's
 * features and ONNX batch take tens of milliseconds and stay on the event loop.
 */
export default defineWorker({
  contract: demandForecastsContract,
  options: () => ({ concurrency: 1 }),
  handlers: {
    'plan-forecasts': {
      transaction: 'self-managed',
      handle: async ({ originDay }, { db }) => {
        const run = await planForecastRun(db, { originDay });
        if (!queue) throw new Error('demand-forecasts queue is not open');
        // Chunk ids derive from the run key: a replayed plan enqueues nothing new.
        await queue.addBulk(
          run.chunks.map((c) => ({
            name: 'forecast-products',
            data: { runKey: run.runKey, originDay: run.originDay, modelVersion: run.modelVersion, chunk: c.chunk, productIds: c.productIds },
            opts: { ...demandForecastsContract.defaultJobOptions, jobId: forecastChunkJobId(run.runKey, c.chunk) },
          })),
        );
        log.info('forecast run planned', { runKey: run.runKey, chunks: run.chunks.length, driftRatio: run.driftRatio });
        return { runKey: run.runKey, chunks: run.chunks.length, modelVersion: run.modelVersion, driftRatio: run.driftRatio ?? null };
      },
    },
    'forecast-products': {
      transaction: 'self-managed',
      handle: async (payload, { db, job }) => {
        const result = await forecastChunk(db, payload);
        await job.updateProgress(100);
        return result;
      },
    },
    'train-model': {
      transaction: 'self-managed',
      handle: async ({ trainedThrough }, { db, job }) => {
        let outcome;
        try {
          outcome = await trainModel(db, {
            trainedThrough,
            threads: (trainer ??= new TrainingThreads()),
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
  },
  // Upserting schedulers is idempotent, so every replica may do it at boot.
  onStart: async ({ connection, prefix, db }) => {
    queue = new Queue(demandForecastsContract.queue, { connection, prefix });
    // Catch up at boot (first start, or a night the schedulers missed): the job ids of the day
    // dedupe across replicas, and FIFO order trains before it forecasts.
    const day = lastCompleteDay();
    const sold = await db.selectFrom('stock_movements').select('id').where('type', '=', 'sale').limit(1).executeTakeFirst();
    if (sold) {
      const model = await db.selectFrom('model_versions').select('id').limit(1).executeTakeFirst();
      if (!model) await queue.add('train-model', { trainedThrough: day, reason: 'schedule' }, { ...demandForecastsContract.defaultJobOptions, ...demandForecastsContract.jobOptions?.['train-model'], jobId: trainJobId(day) });
      const run = await db.selectFrom('forecast_runs').select('id').where('origin_day', '=', day).executeTakeFirst();
      if (!run) await queue.add('plan-forecasts', { originDay: day }, { ...demandForecastsContract.defaultJobOptions, jobId: planJobId(day) });
    }
    await queue.upsertJobScheduler(
      FORECAST_SCHEDULES.nightlyForecast.id,
      { pattern: FORECAST_SCHEDULES.nightlyForecast.pattern, tz: SHOP_TIME_ZONE },
      { name: 'plan-forecasts', data: {}, opts: demandForecastsContract.defaultJobOptions },
    );
    await queue.upsertJobScheduler(
      FORECAST_SCHEDULES.weeklyRetrain.id,
      { pattern: FORECAST_SCHEDULES.weeklyRetrain.pattern, tz: SHOP_TIME_ZONE },
      { name: 'train-model', data: { reason: 'schedule' }, opts: { ...demandForecastsContract.defaultJobOptions, ...demandForecastsContract.jobOptions?.['train-model'] } },
    );
  },
  onShutdown: async () => {
    trainer ??= new TrainingThreads();
    await trainer.abandon();
  },
  onClose: async () => {
    trainer = undefined;
    await queue?.close();
    queue = undefined;
    await releaseSessions();
  },
});
