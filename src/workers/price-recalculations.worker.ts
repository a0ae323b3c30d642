import { FlowProducer, Queue } from 'bullmq';
import type { Database } from '../shared/db/database.js';
import { withTransaction } from '../shared/db/transaction.js';
import {
  finishRun,
  findUnstartedRuns,
  markEnqueued,
  repriceChunk,
  runRepricingInline,
  type FinishedRun,
} from '../shared/db/repositories/pricing-runs.repository.js';
import { logger } from '../shared/logging.js';
import { priceRunDuration, priceRuns, pricesChanged } from '../shared/metrics.js';
import { buildRunFlow, priceRecalculationsContract } from '../shared/jobs/price-recalculations.contract.js';
import { defineWorker } from './define-worker.js';

const log = logger.child({ component: 'price-recalculations' });
const RECONCILE_SCHEDULER_ID = 'reconcile-price-runs';

/** Per worker process (keyed by its database): the flow producer and the queue used for the scheduler. */
const runtimes = new Map<Database, { flow: FlowProducer; queue: Queue }>();

function countFinished(run: FinishedRun) {
  // Counted once, by the call that completed the run (a redelivered finish reports durationS null).
  if (run.durationS === null) return;
  priceRuns.inc({ trigger: run.trigger });
  pricesChanged.inc({ trigger: run.trigger }, run.productsChanged);
  priceRunDuration.observe({ trigger: run.trigger }, run.durationS);
}

/** `price-recalculations`: chunk jobs are set-based transactions; the flow parent closes the run. */
export default defineWorker({
  contract: priceRecalculationsContract,
  options: (config) => ({ concurrency: config.PRICING_WORKER_CONCURRENCY }),
  handlers: {
    'recalculate-prices': ({ runId, chunk, fromId, toId }, { trx }) => repriceChunk(trx, runId, chunk, fromId, toId),
    'finish-run': {
      transaction: 'self-managed',
      handle: async ({ runId }, { db }) => {
        const run = await withTransaction(db, (trx) => finishRun(trx, runId));
        countFinished(run);
        return run;
      },
    },
    'reprice-products': {
      transaction: 'self-managed',
      handle: async ({ runId, productIds, reason }, { db, config }) => {
        const run = await withTransaction(db, (trx) =>
          runRepricingInline(trx, { id: runId, trigger: 'invoice', scope: { kind: 'products', productIds }, reason }, config.PRICING_CHUNK_SIZE),
        );
        countFinished(run);
        return run;
      },
    },
    'reconcile-runs': {
      transaction: 'self-managed',
      handle: async (_payload, { db, config }) => {
        const runtime = runtimes.get(db);
        if (!runtime) throw new Error('price-recalculations worker is not started');
        const runs = await findUnstartedRuns(db, config.RECONCILE_GRACE_MS);
        for (const run of runs) {
          await runtime.flow.add(buildRunFlow(run));
          await markEnqueued(db, run.id);
        }
        if (runs.length) log.info('price runs sent again', { runs: runs.length });
        return { resent: runs.length };
      },
    },
  },
  onStart: async ({ db, connection, prefix, config }) => {
    const flow = new FlowProducer({ connection, prefix });
    flow.on('error', (err) => log.error('flow producer error', { err }));
    const queue = new Queue(priceRecalculationsContract.queue, { connection, prefix });
    queue.on('error', () => undefined);
    runtimes.set(db, { flow, queue });
    // Idempotent upsert: any number of replicas keep one scheduler.
    await queue.upsertJobScheduler(
      RECONCILE_SCHEDULER_ID,
      { every: config.PRICE_RUN_RECONCILE_EVERY_MS },
      { name: 'reconcile-runs', data: {}, opts: priceRecalculationsContract.jobOptions?.['reconcile-runs'] },
    );
  },
  onClose: async () => {
    const all = [...runtimes.values()];
    runtimes.clear();
    await Promise.allSettled(all.flatMap((r) => [r.flow.close(), r.queue.close()]));
  },
});
