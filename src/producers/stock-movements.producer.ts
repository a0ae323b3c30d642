import type { Producer } from '../shared/jobs/enqueue.js';
import { batchJobId, movementJobId, stockMovementsContract } from '../shared/jobs/stock-movements.contract.js';

/** Sends a recorded movement request to the workers; a duplicate call is a no-op. */
export function enqueueMovement(producer: Producer, movementId: string): Promise<string> {
  return producer.enqueue(stockMovementsContract, 'apply-movement', { movementId }, { idempotencyKey: movementJobId(movementId) });
}

/** Sends a recorded batch (all its movements, in order) as one job. */
export function enqueueBatch(producer: Producer, batchId: string): Promise<string> {
  return producer.enqueue(stockMovementsContract, 'apply-batch', { batchId }, { idempotencyKey: batchJobId(batchId) });
}

/** Sends many recorded movement requests in one round trip. */
export function enqueueMovements(producer: Producer, movementIds: string[]): Promise<void> {
  return producer.enqueueBulk(
    stockMovementsContract,
    'apply-movement',
    movementIds.map((movementId) => ({ payload: { movementId }, idempotencyKey: movementJobId(movementId) })),
  );
}
