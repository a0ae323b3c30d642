import type { Router } from 'express';
import { z } from 'zod';
import { ALL_QUEUES, type QueueName } from '../../shared/config.js';
import { NotFoundError } from '../../shared/errors.js';
import type { ApiDeps } from '../deps.js';
import { ApiRouter, timestamp } from '../openapi.js';

const jobSchema = z
  .strictObject({
    queue: z.enum(ALL_QUEUES),
    id: z.string(),
    name: z.string(),
    state: z.string().meta({ description: 'waiting, active, delayed, waiting-children, completed, failed, …' }),
    progress: z.number().min(0).max(100),
    children: z.strictObject({ total: z.int(), completed: z.int(), pending: z.int(), failed: z.int() }).nullable(),
    attemptsMade: z.int(),
    result: z.unknown().meta({ description: 'the return value of a completed job, else null' }),
    failedReason: z.string().nullable(),
    createdAt: timestamp,
    processedAt: timestamp.nullable(),
    finishedAt: timestamp.nullable(),
  })
  .meta({ id: 'Job' });

/** `/v1/jobs/:queue/:id`: state and progress of one job; a flow parent reports its children. */
export function jobsRouter({ producer }: ApiDeps): Router {
  const api = new ApiRouter('/v1/jobs');
  api.route('get', '/:queue/:id', {
    summary: 'A job: state, progress 0–100 (a flow parent counts its finished children), result or failure',
    params: z.strictObject({ queue: z.string().meta({ description: `one of ${ALL_QUEUES.join(', ')}` }), id: z.string() }),
    responses: { 200: jobSchema },
    errors: [404],
  }, async (_req, res, { params }) => {
    const queueName = params.queue;
    if (!(ALL_QUEUES as readonly string[]).includes(queueName)) throw new NotFoundError('queue', queueName);
    const queue = producer.queue({ queue: queueName as QueueName });
    // State first, then the job hash: BullMQ finishes a job in one script (return value, finishedOn
    // and the completed set together), so a hash read after "completed" holds the result. The other
    // order reports a job that completes in between as completed with no result.
    const state = await queue.getJobState(params.id);
    const job = state === 'unknown' ? undefined : await queue.getJob(params.id);
    if (!job) throw new NotFoundError('job', params.id);
    const deps = await job.getDependenciesCount({ processed: true, unprocessed: true, failed: true, ignored: true });
    const total = (deps.processed ?? 0) + (deps.unprocessed ?? 0) + (deps.failed ?? 0) + (deps.ignored ?? 0);
    const children = total ? { total, completed: deps.processed ?? 0, pending: deps.unprocessed ?? 0, failed: (deps.failed ?? 0) + (deps.ignored ?? 0) } : null;
    // A parent's own progress is how many of its children are done; it reaches 100 only when it completes.
    const progress =
      state === 'completed' ? 100 : children ? Math.min(99, Math.floor((100 * children.completed) / children.total)) : typeof job.progress === 'number' ? job.progress : 0;
    res.json({
      queue: queueName,
      id: job.id,
      name: job.name,
      state,
      progress,
      children,
      attemptsMade: job.attemptsMade,
      result: state === 'completed' ? job.returnvalue : null,
      failedReason: job.failedReason || null,
      createdAt: new Date(job.timestamp),
      processedAt: job.processedOn ? new Date(job.processedOn) : null,
      finishedAt: job.finishedOn ? new Date(job.finishedOn) : null,
    });
  });
  return api.router;
}
