import type { Job } from 'bullmq';
import { sql } from 'kysely';
import type { Database } from '../shared/db/database.js';
import { findStaleQueued, type MovementRef, type OldestTransaction, type StaleRef } from '../shared/db/repositories/movements.repository.js';
import type { Producer } from '../shared/jobs/enqueue.js';
import { batchJobId, movementGroupJobId, movementJobId, stockMovementsContract } from '../shared/jobs/stock-movements.contract.js';
import { logger } from '../shared/logging.js';
import { reconcilerRequeued } from '../shared/metrics.js';
import { withTransaction } from '../shared/db/transaction.js';

const log = logger.child({ component: 'reconciler' });
/** Advisory lock key: one replica reconciles per tick. */
const RECONCILE_LOCK = 0x676f6e64;

/**
 * Moves along a job that is still in the store. True when it will run (now or soon) with no new
 * job needed; false when it finished without deciding its requests (their outcome was lost).
 */
async function kick(job: Job): Promise<boolean> {
  switch (await job.getState()) {
    // Exhausted its attempts (e.g. a long database outage) and kept for inspection under the
    // same id, so adding it again is a no-op: retry it.
    case 'failed':
      await job.retry('failed');
      return true;
    // Backing off after failures during an outage: its next attempt may be minutes away
    // (exponential backoff), but the request is already overdue — run it now.
    case 'delayed':
      await job.promote().catch(() => undefined);
      return true;
    case 'completed':
    case 'unknown':
      return false;
    default:
      // waiting / prioritized: a worker takes it; active: its lock expires if its worker died.
      return true;
  }
}

/**
 * Redis is the transport, not the record: every movement request still `queued` in PostgreSQL
 * after the grace period is sent again. The job id is derived from the request id, so a job
 * that still exists in Redis is not duplicated, and the worker's lock + status check makes a
 * second delivery a no-op.
 */
async function redeliver(producer: Producer, ref: MovementRef): Promise<void> {
  const add = () =>
    'movementId' in ref
      ? producer.enqueue(stockMovementsContract, 'apply-movement', ref, { idempotencyKey: movementJobId(ref.movementId) })
      : producer.enqueue(stockMovementsContract, 'apply-batch', ref, { idempotencyKey: batchJobId(ref.batchId) });
  const job = await producer.queue(stockMovementsContract).getJob(await add());
  if (!job || (await kick(job))) return;
  // Finished (or gone) without the request leaving `queued`, its outcome lost: a fresh job.
  await job.remove().catch(() => undefined);
  await add();
}

/**
 * Requests of one intake group share the job `mg-<group>`: while it waits or runs it will decide
 * them, so nothing is sent again (a job per request would double a backlog); delayed, it is
 * promoted; failed, retried (what it already decided stays decided). Gone, or completed without
 * deciding them, each straggler is sent as a job of its own.
 */
async function redeliverGroup(producer: Producer, group: string, movementIds: string[]): Promise<void> {
  const job = await producer.queue(stockMovementsContract).getJob(movementGroupJobId(group));
  if (job && (await kick(job))) return;
  for (const movementId of movementIds) await redeliver(producer, { movementId });
}

/** Each batch and lone request on its own; the requests of an intake group through their group's job, once per group. */
async function redeliverAll(producer: Producer, refs: StaleRef[]): Promise<void> {
  const groups = new Map<string, string[]>();
  for (const ref of refs) {
    if ('batchId' in ref || !ref.intakeGroup) await redeliver(producer, 'batchId' in ref ? ref : { movementId: ref.movementId });
    else groups.set(ref.intakeGroup, [...(groups.get(ref.intakeGroup) ?? []), ref.movementId]);
  }
  for (const [group, movementIds] of groups) await redeliverGroup(producer, group, movementIds);
}

/** A transaction open this long holds the reconciler's watermark back: each pass rescans what came since. */
const HELD_BACK_WARN_S = 600;
let lastHeldBackWarn = 0;
function warnIfHeldBack(oldest: OldestTransaction | undefined): void {
  if (!oldest || oldest.ageS < HELD_BACK_WARN_S || Date.now() - lastHeldBackWarn < HELD_BACK_WARN_S * 1000) return;
  lastHeldBackWarn = Date.now();
  log.warn('a long-open transaction holds the reconciler back; each pass rescans every request since it began (end it if it is stuck)', {
    pid: oldest.pid,
    application: oldest.application,
    openForS: Math.round(oldest.ageS),
  });
}

export async function reconcileOnce(db: Database, producer: Producer, graceMs: number): Promise<number> {
  // READ COMMITTED: findStaleQueued reads the oldest running transaction before its scan takes a snapshot.
  return withTransaction(db, async (trx) => {
    const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(${RECONCILE_LOCK}) AS locked`.execute(trx);
    if (!rows[0]?.locked) return 0;
    const { refs, oldestTransaction: oldest } = await findStaleQueued(trx, graceMs);
    warnIfHeldBack(oldest);
    await redeliverAll(producer, refs);
    if (refs.length) {
      reconcilerRequeued.inc({ queue: stockMovementsContract.queue }, refs.length);
      log.info('requeued stale requests', { count: refs.length });
    }
    return refs.length;
  }, { isolation: 'read committed' });
}

export function startReconciler(db: Database, producer: Producer, { graceMs, intervalMs }: { graceMs: number; intervalMs: number }) {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    if (stopped) return;
    // A tick that hangs (a connection lost without an error) must not stop later ticks.
    const deadline = Math.max(intervalMs * 6, 60_000);
    let guard: NodeJS.Timeout | undefined;
    running = Promise.race([
      reconcileOnce(db, producer, graceMs),
      new Promise((_, reject) => {
        guard = setTimeout(() => reject(new Error(`reconcile tick did not finish within ${deadline} ms`)), deadline);
      }),
    ])
      .catch((err) => log.warn('reconcile failed', { err }))
      .finally(() => {
        clearTimeout(guard);
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
