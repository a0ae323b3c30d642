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
 * Sends movement requests recorded together as one job (one request alone as its own
 * `apply-movement` job). Returns the job's id at once, with the enqueue still under way.
 */
export function enqueueMovementGroup(producer: Producer, movementIds: string[]): { jobId: string; sent: Promise<string> } {
  if (movementIds.length === 1) return { jobId: movementJobId(movementIds[0]!), sent: enqueueMovement(producer, movementIds[0]!) };
  const jobId = movementGroupJobId(movementIds[0]!);
  return { jobId, sent: producer.enqueue(stockMovementsContract, 'apply-movements', { movementIds }, { idempotencyKey: jobId }) };
}
