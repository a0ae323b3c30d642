import { z } from 'zod';
import { defineContract, jobIdFor, standardJobOptions } from './contract.js';
import type { FlowSpec } from './enqueue.js';

/** Run ids: safe for BullMQ job ids and URLs. */
export const runIdSchema = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits, ".", "_" and "-" only, at most 100');

/**
 * `price-recalculations`: repricing runs. A run is planned in PostgreSQL (rules and expected
 * rate snapshotted, products split into id ranges) and fanned out as a BullMQ flow: one
 * `recalculate-prices` child per chunk under a `finish-run` parent, which runs only after every
 * chunk has committed and writes the run's label batch.
 */
export const priceRecalculationsContract = defineContract({
  queue: 'price-recalculations',
  jobs: {
    /** One chunk of a run: the run's products with ids in [fromId, toId]. */
    'recalculate-prices': z.object({ runId: runIdSchema, chunk: z.number().int().min(0), fromId: z.number().int().positive(), toId: z.number().int().positive() }),
    /** Flow parent: completes the run and records its label batch. */
    'finish-run': z.object({ runId: runIdSchema }),
    /** A small run done in one job and one transaction (products whose cost an invoice changed). */
    'reprice-products': z.object({
      runId: runIdSchema,
      productIds: z.array(z.number().int().positive()).min(1).max(10_000),
      reason: z.string().min(1).max(200),
    }),
    /** Scheduled: sends runs whose flow never reached Redis again. */
    'reconcile-runs': z.object({}),
  },
  defaultJobOptions: standardJobOptions,
  jobOptions: { 'reconcile-runs': { attempts: 1, removeOnComplete: true, removeOnFail: { count: 50 } } },
});

export const runJobId = (runId: string) => jobIdFor(`run-${runId}`);
export const chunkJobId = (runId: string, chunk: number) => jobIdFor(`run-${runId}-c${chunk}`);
export const repricingJobId = (runId: string) => jobIdFor(`reprice-${runId}`);

export type RepricingPayload = z.infer<(typeof priceRecalculationsContract)['jobs']['reprice-products']>;

/**
 * The flow of a planned run: one `recalculate-prices` child per id range under a `finish-run`
 * parent. Job ids derive from the run id and chunk number, so adding the same flow again (a
 * retry, the reconciler) adds nothing that exists.
 */
export function runFlow(run: { id: string; chunks: readonly (readonly [number, number])[] }): FlowSpec<typeof priceRecalculationsContract> {
  return {
    name: 'finish-run',
    payload: { runId: run.id },
    idempotencyKey: runJobId(run.id),
    children: run.chunks.map(([fromId, toId], chunk) => ({
      name: 'recalculate-prices',
      payload: { runId: run.id, chunk, fromId, toId },
      idempotencyKey: chunkJobId(run.id, chunk),
      // A chunk that fails for good fails the run's parent job, so progress never waits forever.
      failParentOnFailure: true,
    })),
  };
}
