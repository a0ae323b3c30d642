import { Router } from 'express';
import type { Job } from 'bullmq';
import { z } from 'zod';
import { ALL_QUEUES, type QueueName } from '../../shared/config.js';
import { ConflictError, NotFoundError } from '../../shared/errors.js';
import type { ApiDeps } from '../deps.js';
import { requireRole } from '../middleware/auth.js';
import { parseInput } from '../middleware/validate.js';
import { registerOperations } from '../openapi.js';

/** The states the queue page shows, in this order. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'paused', 'prioritized', 'waiting-children'] as const;

const queueParam = z.enum(ALL_QUEUES as unknown as [QueueName, ...QueueName[]], { error: `a queue is one of ${ALL_QUEUES.join(', ')}` });
const failedQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20) });

/** A failed job as people see it: what, why, how often; never the payload (ids only, but still not for screens). */
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
  const router = Router();

  router.get('/', async (_req, res) => {
    const items = await Promise.all(
      ALL_QUEUES.map(async (name) => {
        const queue = producer.queue({ queue: name });
        const [counts, paused] = await Promise.all([queue.getJobCounts(...QUEUE_STATES), queue.isPaused()]);
        return { queue: name, paused, counts: Object.fromEntries(QUEUE_STATES.map((s) => [s, counts[s] ?? 0])) };
      }),
    );
    res.json({ items, dashboard: '/admin/queues' });
  });

  router.get('/:queue/failed', requireRole(), async (req, res) => {
    const name = parseInput(queueParam, req.params.queue, 'queue');
    const { limit } = parseInput(failedQuery, req.query, 'query');
    const queue = producer.queue({ queue: name });
    const [jobs, total] = await Promise.all([queue.getFailed(0, limit - 1), queue.getFailedCount()]);
    res.json({ queue: name, total, items: jobs.filter((j): j is Job => Boolean(j)).map(failedView) });
  });

  router.post('/:queue/jobs/:id/retry', requireRole(), async (req, res) => {
    const name = parseInput(queueParam, req.params.queue, 'queue');
    const queue = producer.queue({ queue: name });
    const id = parseInput(z.string().min(1).max(200), req.params.id, 'job id');
    const state = await queue.getJobState(id);
    if (state === 'unknown') throw new NotFoundError('job', id);
    if (state !== 'failed') throw new ConflictError('job_not_failed', `job ${id} is ${state}; only failed jobs can be retried`, { state });
    const job = await queue.getJob(id);
    if (!job) throw new NotFoundError('job', id);
    // Moves the job back to waiting with its attempts reset; the workers take it from there.
    await job.retry('failed', { resetAttemptsMade: true });
    res.status(202).json({ queue: name, id, state: await queue.getJobState(id), job: `/v1/jobs/${name}/${id}` });
  });

  return router;
}

registerOperations('/v1/queues', { get: { summary: 'Jobs per queue and state (waiting, active, delayed, failed, completed, …), and the dashboard link', responses: { 200: '{items: [{queue, paused, counts}], dashboard}' } } });
registerOperations('/v1/queues/{queue}/failed', {
  get: { summary: 'The last failed jobs of a queue: id, name, reason, attempts, times (no payloads)', role: 'admin', query: ['limit'], responses: { 200: '{queue, total, items}', 400: 'unknown queue' } },
});
registerOperations('/v1/queues/{queue}/jobs/{id}/retry', {
  post: { summary: 'Retry a failed job (attempts start again)', role: 'admin', responses: { 202: 'job waiting again', 404: 'unknown job', 409: 'job_not_failed' } },
});
