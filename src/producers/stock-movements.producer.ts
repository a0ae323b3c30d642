import type { Producer } from '../shared/jobs/enqueue.js';
import { batchJobId, movementGroupJobId, movementJobId, stockMovementsContract } from '../shared/jobs/stock-movements.contract.js';

/** Sends a recorded movement request to the workers; a duplicate call is a no-op. */
export function enqueueMovement(producer: Producer, movementId: string): Promise<string> {
  return producer.enqueue(stockMovementsContract, 'apply-movement', { movementId }, { idempotencyKey: movementJobId(movementId) });
}

/** Sends a recorded batch (all its movements, in order) as one job. */
export function enqueueBatch(producer: Producer, batchId: string): Promise<string> {
  return producer.enqueue(stockMovementsContract, 'apply-batch', { batchId }, { idempotencyKey: batchJobId(batchId) });
}

/**
 * Sends movement requests recorded together (one intake group) as one job. Returns the job's id
 * at once, with the enqueue still under way.
 */
export function enqueueMovementGroup(producer: Producer, group: string, movementIds: string[]): { jobId: string; sent: Promise<string> } {
  const jobId = movementGroupJobId(group);
  return { jobId, sent: producer.enqueue(stockMovementsContract, 'apply-movements', { movementIds }, { idempotencyKey: jobId }) };
}
