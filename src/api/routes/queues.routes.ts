import type { Router } from 'express';
import type { Job } from 'bullmq';
import { z } from 'zod';
import { ALL_QUEUES } from '../../shared/config.js';
import { ConflictError, NotFoundError } from '../../shared/errors.js';
import type { ApiDeps } from '../deps.js';
import { ApiRouter, timestamp } from '../openapi.js';

/** The states the queue page shows, in this order (BullMQ 6 has no 'paused' state: a paused queue's jobs stay 'waiting'). */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized', 'waiting-children'] as const;

const queueName = z.enum(ALL_QUEUES, { error: `a queue is one of ${ALL_QUEUES.join(', ')}` });
const failedQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20) });

const overviewSchema = z
  .strictObject({
    items: z.array(z.strictObject({ queue: z.enum(ALL_QUEUES), paused: z.boolean(), counts: z.strictObject(Object.fromEntries(QUEUE_STATES.map((s) => [s, z.int()]))) })),
    dashboard: z.string(),
  })
  .meta({ id: 'QueueOverview' });
const failedJobSchema = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    failedReason: z.string().nullable(),
    attemptsMade: z.int(),
    attempts: z.int(),
    createdAt: timestamp,
    processedAt: timestamp.nullable(),
    failedAt: timestamp.nullable(),
  })
  .meta({ id: 'FailedJob' });

/** A failed job as people see it: what, why, how often; never the payload. */
function failedView(job: Job) {
  return {
    id: job.id!,
    name: job.name,
    failedReason: job.failedReason || null,
    attemptsMade: job.attemptsMade,
    attempts: job.opts.attempts ?? 1,
    createdAt: new Date(job.timestamp),
    processedAt: job.processedOn ? new Date(job.processedOn) : null,
    failedAt: job.finishedOn ? new Date(job.finishedOn) : null,
  };
}

/** `/v1/queues`: job counts per queue, the last failed jobs, and retrying one (admin). */
export function queuesRouter({ producer }: ApiDeps): Router {
  const api = new ApiRouter('/v1/queues');

  api.route('get', '/', {
    summary: 'Jobs per queue and state (waiting, active, delayed, failed, completed, …), and the dashboard link',
    responses: { 200: overviewSchema },
  }, async (_req, res) => {
    const items = await Promise.all(
      ALL_QUEUES.map(async (name) => {
        const queue = producer.queue({ queue: name });
        const [counts, paused] = await Promise.all([queue.getJobCounts(...QUEUE_STATES), queue.isPaused()]);
        return { queue: name, paused, counts: Object.fromEntries(QUEUE_STATES.map((s) => [s, counts[s] ?? 0])) };
      }),
    );
    res.json({ items, dashboard: '/admin/queues' });
  });

  api.route('get', '/:queue/failed', {
    summary: 'The last failed jobs of a queue: id, name, reason, attempts, times (no payloads)',
    roles: [],
    params: z.strictObject({ queue: queueName }),
    query: failedQuery,
    responses: { 200: z.strictObject({ queue: z.enum(ALL_QUEUES), total: z.int(), items: z.array(failedJobSchema) }) },
  }, async (_req, res, { params, query }) => {
    const queue = producer.queue({ queue: params.queue });
    const [jobs, total] = await Promise.all([queue.getFailed(0, query.limit - 1), queue.getFailedCount()]);
    res.json({ queue: params.queue, total, items: jobs.filter((j): j is Job => Boolean(j)).map(failedView) });
  });

  api.route('post', '/:queue/jobs/:id/retry', {
    summary: 'Retry a failed job (attempts start again)',
    roles: [],
    params: z.strictObject({ queue: queueName, id: z.string().min(1).max(200) }),
    responses: { 202: z.strictObject({ queue: z.enum(ALL_QUEUES), id: z.string(), state: z.string(), job: z.string() }) },
    errors: [404, 409],
  }, async (_req, res, { params }) => {
    const queue = producer.queue({ queue: params.queue });
    const state = await queue.getJobState(params.id);
    if (state === 'unknown') throw new NotFoundError('job', params.id);
    if (state !== 'failed') throw new ConflictError('job_not_failed', `job ${params.id} is ${state}; only failed jobs can be retried`, { state });
    const job = await queue.getJob(params.id);
    if (!job) throw new NotFoundError('job', params.id);
    // Back to waiting with its attempts reset; the workers take it from there.
    await job.retry('failed', { resetAttemptsMade: true });
    res.status(202).json({ queue: params.queue, id: params.id, state: await queue.getJobState(params.id), job: `/v1/jobs/${params.queue}/${params.id}` });
  });

  return api.router;
}
