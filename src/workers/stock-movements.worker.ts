import type { Config } from '../shared/config.js';
import type { Database } from '../shared/db/database.js';
import { withTransaction } from '../shared/db/transaction.js';
import { applyMovementGroup, type AppliedMovement, type MovementRef } from '../shared/db/repositories/movements.repository.js';
import { PermanentError } from '../shared/errors.js';
import { movementGroupSize, stockMovements } from '../shared/metrics.js';
import { stockMovementsContract } from '../shared/jobs/stock-movements.contract.js';
import { defineWorker, type JobContext } from './define-worker.js';
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

const committers = new WeakMap<Database, GroupCommitter<MovementRef, Outcome>>();
function committerFor({ db, config }: JobContext) {
  let c = committers.get(db);
  if (!c) committers.set(db, (c = createCommitter(db, config)));
  return c;
}

async function submit(ctx: JobContext, ref: MovementRef) {
  const outcome = await committerFor(ctx).submit(ref);
  if ('missing' in outcome) throw new PermanentError(`no movement request for ${JSON.stringify(ref)}`, 'movement_not_found');
  return outcome.result;
}

/** `stock-movements`: the hot path. Jobs of all workers' concurrency slots share group commits. */
export default defineWorker({
  contract: stockMovementsContract,
  options: (config) => ({ concurrency: config.MOVEMENT_WORKER_CONCURRENCY }),
  handlers: {
    'apply-movement': {
      transaction: 'self-managed',
      handle: async ({ movementId }, ctx) => (await submit(ctx, { movementId }))[0],
    },
    'apply-batch': {
      transaction: 'self-managed',
      handle: async ({ batchId }, ctx) => {
        const movements = await submit(ctx, { batchId });
        return { batchId, applied: movements.filter((m) => m.status === 'applied').length, rejected: movements.filter((m) => m.status === 'rejected').length };
      },
    },
  },
});
