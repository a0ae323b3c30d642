import { GroupCommitter } from '../shared/group-commit.js';
import type { Database } from '../shared/db/database.js';
import { insertSubmittedMovements, type SubmittedMovement } from '../shared/db/repositories/movements.repository.js';
import type { Producer } from '../shared/jobs/enqueue.js';
import { logger } from '../shared/logging.js';
import { enqueueMovements } from '../producers/stock-movements.producer.js';

const log = logger.child({ component: 'api' });

export type IntakeResult = { id: string; createdAt: Date } | undefined;
type Item = { key: string; movement: SubmittedMovement };

/**
 * Group intake: concurrent POSTs are recorded with one INSERT and enqueued with one addBulk, so
 * under load the API pays one database commit and one Redis round trip per group, not per
 * request. A request is answered only after its row is committed.
 */
export function createMovementIntake(db: Database, producer: Producer) {
  const record = async (items: Item[]): Promise<IntakeResult[]> => {
    const results = await insertSubmittedMovements(db, items);
    const ids = results.flatMap((r) => (r ? [r.id] : []));
    if (ids.length) {
      await enqueueMovements(producer, ids).catch((err: unknown) => {
        // Already durable in PostgreSQL: the reconciler delivers them later.
        log.warn('enqueue failed after intake; the reconciler will deliver it', { count: ids.length, err });
      });
    }
    return results;
  };
  const committer = new GroupCommitter<Item, IntakeResult>({ maxSize: 200, maxWaitMs: 1, maxInFlight: 4 }, record, async (item) => (await record([item]))[0]);
  return (key: string, movement: SubmittedMovement) => committer.submit({ key, movement });
}
