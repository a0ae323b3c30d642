/**
 * Queue contracts: the one thing producers and workers share.
 *
 * Glossary
 * - contract: a queue name, its job names with one zod schema each, and default job options.
 * - job name: a kind of work on a queue (`apply-movement`); payload types come from `z.infer`.
 * - job id: BullMQ's id; built from an idempotency key so a duplicate `add` is a no-op.
 * - idempotency key: the business identity of a piece of work; the worker enforces it again in
 *   PostgreSQL (unique constraint), which is the authority — Redis is only the transport.
 */
import { createHash } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import type { z } from 'zod';

export interface JobContract<Q extends string = string, J extends Record<string, z.ZodType> = Record<string, z.ZodType>> {
  readonly queue: Q;
  readonly jobs: J;
  /** Retry, backoff and retention: here, never at call sites. */
  readonly defaultJobOptions: JobsOptions;
  /** Per-job overrides of the defaults. */
  readonly jobOptions?: { readonly [K in keyof J]?: JobsOptions };
}

export type JobNameOf<C extends JobContract> = keyof C['jobs'] & string;
export type PayloadOf<C extends JobContract, N extends JobNameOf<C>> = z.infer<C['jobs'][N]>;

export function defineContract<const Q extends string, const J extends Record<string, z.ZodType>>(
  contract: JobContract<Q, J>,
): JobContract<Q, J> {
  return contract;
}

/** Retry with exponential backoff (jittered), keep completed jobs briefly and failed ones a week. */
export const standardJobOptions: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500, jitter: 0.5 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * A BullMQ job id for an idempotency key. BullMQ refuses ids with ':' or that parse as
 * integers, so anything outside a safe alphabet is hashed (same key → same id).
 */
export function jobIdFor(key: string): string {
  if (/^[A-Za-z0-9._-]{1,100}$/.test(key) && !/^\d+$/.test(key)) return key;
  return `k-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}
