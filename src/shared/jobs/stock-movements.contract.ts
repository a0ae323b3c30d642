import { z } from 'zod';
import { defineContract, standardJobOptions } from './contract.js';

/**
 * `stock-movements`: applies durable movement requests (already recorded in PostgreSQL by the
 * API) to the ledger and balances. Payloads carry ids only; the request row is the record.
 */
export const stockMovementsContract = defineContract({
  queue: 'stock-movements',
  jobs: {
    /** One movement request, by id. */
    'apply-movement': z.object({ movementId: z.uuid() }),
    /** Every movement request of a batch, in order; atomic batches are all-or-nothing. */
    'apply-batch': z.object({ batchId: z.uuid() }),
  },
  defaultJobOptions: { ...standardJobOptions, attempts: 10 },
});

/** BullMQ job ids: one per movement request and per batch, so re-enqueueing is harmless. */
export const movementJobId = (movementId: string) => `mv-${movementId}`;
export const batchJobId = (batchId: string) => `mb-${batchId}`;
