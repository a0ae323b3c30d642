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
