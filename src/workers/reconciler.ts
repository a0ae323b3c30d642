import { sql } from 'kysely';
import type { Database } from '../shared/db/database.js';
import { findStaleQueued } from '../shared/db/repositories/movements.repository.js';
import type { Producer } from '../shared/jobs/enqueue.js';
import { batchJobId, movementJobId, stockMovementsContract } from '../shared/jobs/stock-movements.contract.js';
import { logger } from '../shared/logging.js';
import { reconcilerRequeued } from '../shared/metrics.js';
import { withTransaction } from '../shared/db/transaction.js';

const log = logger.child({ component: 'reconciler' });
/** Advisory lock key: one replica reconciles per tick. */
const RECONCILE_LOCK = 0x676f6e64;

/**
 * Redis is the transport, not the record: every movement request still `queued` in PostgreSQL
 * after the grace period is sent again. The job id is derived from the request id, so a job
 * that still exists in Redis is not duplicated, and the worker's lock + status check makes a
 * second delivery a no-op.
 */
export async function reconcileOnce(db: Database, producer: Producer, graceMs: number): Promise<number> {
  return withTransaction(db, async (trx) => {
    const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(${RECONCILE_LOCK}) AS locked`.execute(trx);
    if (!rows[0]?.locked) return 0;
    const refs = await findStaleQueued(db, graceMs);
    for (const ref of refs) {
      const jobId =
        'movementId' in ref
          ? await producer.enqueue(stockMovementsContract, 'apply-movement', ref, { idempotencyKey: movementJobId(ref.movementId) })
          : await producer.enqueue(stockMovementsContract, 'apply-batch', ref, { idempotencyKey: batchJobId(ref.batchId) });
      // A job that exhausted its attempts (e.g. a long database outage) is kept for inspection
      // under the same id, so adding it again is a no-op: retry it instead.
      const job = await producer.queue(stockMovementsContract).getJob(jobId);
      if (job && (await job.isFailed())) await job.retry('failed');
    }
    if (refs.length) {
      reconcilerRequeued.inc({ queue: stockMovementsContract.queue }, refs.length);
      log.info('requeued stale requests', { count: refs.length });
    }
    return refs.length;
  });
}

export function startReconciler(db: Database, producer: Producer, { graceMs, intervalMs }: { graceMs: number; intervalMs: number }) {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    if (stopped) return;
    running = reconcileOnce(db, producer, graceMs)
      .catch((err) => log.warn('reconcile failed', { err }))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  let timer = setTimeout(tick, intervalMs);
  return {
    async close() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
