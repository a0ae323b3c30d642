import { UnrecoverableError, type Job, type Queue } from 'bullmq';
import { withTransaction } from '../shared/db/transaction.js';
import {
  failRun,
  finishRun,
  findUnfinishedRuns,
  findUnstartedRuns,
  markEnqueued,
  repriceChunk,
  runRepricingInline,
  type FinishedRun,
} from '../shared/db/repositories/pricing-runs.repository.js';
import { PermanentError } from '../shared/errors.js';
import { logger } from '../shared/logging.js';
import { priceRunDuration, priceRuns, pricesChanged } from '../shared/metrics.js';
import { priceRecalculationsContract, runFlow, runJobId } from '../shared/jobs/price-recalculations.contract.js';
import { defineWorker } from './define-worker.js';

const log = logger.child({ component: 'price-recalculations' });
const RECONCILE_SCHEDULER_ID = 'reconcile-price-runs';

function countFinished(run: FinishedRun) {
  // Counted once, by the call that completed the run (a redelivered finish reports durationS null).
  if (run.durationS === null) return;
  priceRuns.inc({ trigger: run.trigger });
  pricesChanged.inc({ trigger: run.trigger }, run.productsChanged);
  priceRunDuration.observe({ trigger: run.trigger }, run.durationS);
}

/** Whether this attempt of a job is its last: a permanent error, or no attempts left. */
function lastAttempt(job: Job, err: unknown): boolean {
  return err instanceof PermanentError || err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

const errorText = (err: unknown) => (err instanceof PermanentError ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err));

/** Why a run's parent job failed: the reason of the chunk that failed it, when BullMQ names one. */
async function parentFailure(queue: Queue, jobId: string): Promise<string> {
  const reason = (await queue.getJob(jobId))?.failedReason || 'no reason recorded';
  // A parent failed by its child reads "child <prefix>:<queue>:<child id> failed".
  const childId = /^child \S*:([^:\s]+) failed$/.exec(reason)?.[1];
  const child = childId ? await queue.getJob(childId) : undefined;
  return child?.failedReason ? `job ${childId} failed: ${child.failedReason}` : `job ${jobId} failed: ${reason}`;
}

/** `price-recalculations`: chunk jobs are set-based transactions; the flow parent closes the run. */
export default defineWorker({
  contract: priceRecalculationsContract,
  options: (config) => ({ concurrency: config.PRICING_WORKER_CONCURRENCY }),
  setup: ({ db, config, producer }) => ({
    handlers: {
      'recalculate-prices': async ({ runId, chunk, fromId, toId }, { job }) => {
        try {
          return await withTransaction(db, (trx) => repriceChunk(trx, runId, chunk, fromId, toId));
        } catch (err) {
          // A flow chunk failing for good fails the run's parent job (failParentOnFailure); the run
          // row says so too. If this write fails as well, the reconciler finds the failed parent.
          if (job.parentKey && lastAttempt(job, err)) {
            const reason = `chunk ${chunk} (product ids ${fromId}–${toId}) failed on attempt ${job.attemptsMade + 1}: ${errorText(err)}`;
            try {
              if (await withTransaction(db, (trx) => failRun(trx, runId, reason))) log.warn('price run failed', { runId, chunk });
            } catch (recordErr) {
              log.error('price run failure not recorded', { runId, err: recordErr });
            }
          }
          throw err;
        }
      },
      'finish-run': async ({ runId }) => {
        const run = await withTransaction(db, (trx) => finishRun(trx, runId));
        countFinished(run);
        return run;
      },
      'reprice-products': async ({ runId, productIds, reason }) => {
        const run = await withTransaction(db, (trx) =>
          runRepricingInline(trx, { id: runId, trigger: 'invoice', scope: { kind: 'products', productIds }, reason }, config.PRICING_CHUNK_SIZE),
        );
        countFinished(run);
        return run;
      },
      'reconcile-runs': async () => {
        const runs = await findUnstartedRuns(db, config.RECONCILE_GRACE_MS);
        for (const run of runs) {
          await producer.enqueueFlow(priceRecalculationsContract, runFlow(run));
          await markEnqueued(db, run.id);
        }
        if (runs.length) log.info('price runs sent again', { runs: runs.length });
        // A parent that failed where no chunk handler could record it (a chunk stalled too often,
        // invalid chunk data, the database gone at the last attempt) still fails its run.
        const queue = producer.queue(priceRecalculationsContract);
        let failed = 0;
        for (const runId of await findUnfinishedRuns(db, config.RECONCILE_GRACE_MS)) {
          const jobId = runJobId(runId);
          if ((await queue.getJobState(jobId)) !== 'failed') continue;
          const reason = await parentFailure(queue, jobId);
          if (await withTransaction(db, (trx) => failRun(trx, runId, reason))) failed++;
        }
        if (failed) log.warn('price runs marked failed', { runs: failed });
        return { resent: runs.length, failed };
      },
    },
    // Idempotent upsert: any number of replicas keep one scheduler.
    onStart: () => producer.schedule(priceRecalculationsContract, RECONCILE_SCHEDULER_ID, { every: config.PRICE_RUN_RECONCILE_EVERY_MS }, 'reconcile-runs', {}),
  }),
});
