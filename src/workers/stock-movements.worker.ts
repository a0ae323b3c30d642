import type { Config } from '../shared/config.js';
import type { Database } from '../shared/db/database.js';
import { withTransaction } from '../shared/db/transaction.js';
import { applyMovementGroup, type AppliedMovement, type MovementRef } from '../shared/db/repositories/movements.repository.js';
import { PermanentError } from '../shared/errors.js';
import { movementGroupSize, stockMovements } from '../shared/metrics.js';
import { stockMovementsContract } from '../shared/jobs/stock-movements.contract.js';
import { defineWorker } from './define-worker.js';
import { GroupCommitter } from '../shared/group-commit.js';

type Outcome = { result: AppliedMovement[] } | { missing: true };

function createCommitter(db: Database, config: Config) {
  const apply = async (refs: MovementRef[]): Promise<Outcome[]> => {
    const results = await withTransaction(db, (trx) => applyMovementGroup(trx, refs));
    movementGroupSize.observe(refs.length);
    // Counted after commit; a redelivered job reports its stored outcome and is not counted again.
    for (const m of results.flat()) if (m.fresh) stockMovements.inc({ type: m.type, outcome: m.status });
    return results.map((r) => (r.length ? { result: r } : { missing: true }));
  };
  return new GroupCommitter<MovementRef, Outcome>(
    { maxSize: config.MOVEMENT_GROUP_MAX, maxWaitMs: config.MOVEMENT_GROUP_WAIT_MS },
    apply,
    async (ref) => (await apply([ref]))[0]!,
  );
}

/** `stock-movements`: the hot path. Jobs of all workers' concurrency slots share group commits. */
export default defineWorker({
  contract: stockMovementsContract,
  options: (config) => ({ concurrency: config.MOVEMENT_WORKER_CONCURRENCY }),
  // A group commit applies up to MOVEMENT_GROUP_MAX jobs in one transaction: no per-job log context.
  logContext: false,
  setup: ({ db, config }) => {
    const committer = createCommitter(db, config);
    const submit = async (ref: MovementRef) => {
      const outcome = await committer.submit(ref);
      if ('missing' in outcome) throw new PermanentError(`no movement request for ${JSON.stringify(ref)}`, 'movement_not_found');
      return outcome.result;
    };
    return {
      handlers: {
        'apply-movement': async ({ movementId }) => (await submit({ movementId }))[0],
        // Each request joins the group commits on its own; the job ends once every one is decided.
        'apply-movements': async ({ movementIds }) => {
          const settled = await Promise.allSettled(movementIds.map((movementId) => submit({ movementId })));
          const failed = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
          // A request not decided (its group failed) fails the job, and a retry decides it; those decided keep their outcome.
          const transient = failed.find((e) => !(e instanceof PermanentError));
          if (transient !== undefined) throw transient;
          if (failed.length === 1) throw failed[0];
          if (failed.length) throw new PermanentError(`${failed.length} of ${movementIds.length} movement requests not found, first: ${(failed[0] as Error).message}`, 'movement_not_found');
          const outcomes = settled.flatMap((s) => (s.status === 'fulfilled' ? s.value : []));
          return { movements: movementIds.length, applied: outcomes.filter((m) => m.status === 'applied').length, rejected: outcomes.filter((m) => m.status === 'rejected').length };
        },
        'apply-batch': async ({ batchId }) => {
          const movements = await submit({ batchId });
          return { batchId, applied: movements.filter((m) => m.status === 'applied').length, rejected: movements.filter((m) => m.status === 'rejected').length };
        },
      },
    };
  },
});
