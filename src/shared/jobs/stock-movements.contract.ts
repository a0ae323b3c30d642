import { z } from 'zod';
import { defineContract, standardJobOptions } from './contract.js';

/** Most movement requests one `apply-movements` job carries (the API's intake groups are this size at most). */
export const MOVEMENT_JOB_MAX_IDS = 200;

/**
 * `stock-movements`: applies durable movement requests (already recorded in PostgreSQL by the
 * API) to the ledger and balances. Payloads carry ids only; the request row is the record.
 */
export const stockMovementsContract = defineContract({
  queue: 'stock-movements',
  jobs: {
    /** One movement request, by id. */
    'apply-movement': z.object({ movementId: z.uuid() }),
    /**
     * Movement requests recorded together by the API's intake (one group commit), each applied
     * and decided on its own, as if each had its own `apply-movement` job.
     */
    'apply-movements': z.object({ movementIds: z.array(z.uuid()).min(1).max(MOVEMENT_JOB_MAX_IDS) }),
    /** Every movement request of a batch, in order; atomic batches are all-or-nothing. */
    'apply-batch': z.object({ batchId: z.uuid() }),
  },
  defaultJobOptions: { ...standardJobOptions, attempts: 10 },
});

/** BullMQ job ids: one per movement request, per intake group and per batch, so re-enqueueing is harmless. */
export const movementJobId = (movementId: string) => `mv-${movementId}`;
/** The job of an intake group (`movement_requests.intake_group`). */
export const movementGroupJobId = (group: string) => `mg-${group}`;
export const batchJobId = (batchId: string) => `mb-${batchId}`;
