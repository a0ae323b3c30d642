import type { Producer } from '../shared/jobs/enqueue.js';
import { priceRecalculationsContract, repricingJobId, runFlow } from '../shared/jobs/price-recalculations.contract.js';

/** Sends a planned run as a flow (chunk children under a finish-run parent); returns the parent job id. */
export function enqueueRunFlow(producer: Producer, run: { id: string; chunks: readonly (readonly [number, number])[] }): Promise<string> {
  return producer.enqueueFlow(priceRecalculationsContract, runFlow(run));
}

/**
 * Reprices the given products in one job (after an invoice posting changed their costs). The
 * run id is the idempotency key: the same id again is a no-op, in Redis and in PostgreSQL.
 */
export function enqueueRepricing(producer: Producer, { productIds, reason, runId }: { productIds: number[]; reason: string; runId: string }): Promise<string> {
  return producer.enqueue(priceRecalculationsContract, 'reprice-products', { runId, productIds, reason }, { idempotencyKey: repricingJobId(runId) });
}
