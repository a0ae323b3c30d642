import { Router } from 'express';
import { ALL_QUEUES, type QueueName } from '../../shared/config.js';
import { NotFoundError } from '../../shared/errors.js';
import type { ApiDeps } from '../deps.js';
import { registerOperations } from '../openapi.js';

/** `/v1/jobs/:queue/:id`: state and progress of one job; a flow parent reports its children. */
export function jobsRouter({ producer }: ApiDeps): Router {
  const router = Router();
  router.get('/:queue/:id', async (req, res) => {
    const queueName = req.params.queue;
    if (!(ALL_QUEUES as readonly string[]).includes(queueName)) throw new NotFoundError('queue', queueName);
    const queue = producer.queue({ queue: queueName as QueueName });
    // State first, then the job hash: BullMQ finishes a job in one script (return value, finishedOn
    // and the completed set together), so a hash read after "completed" holds the result. The other
    // order reports a job that completes in between as completed with no result.
    const state = await queue.getJobState(req.params.id);
    const job = state === 'unknown' ? undefined : await queue.getJob(req.params.id);
    if (!job) throw new NotFoundError('job', req.params.id);
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
  return router;
}

registerOperations('/v1/jobs/{queue}/{id}', {
  get: { summary: 'A job: state, progress 0–100 (a flow parent counts its finished children), result or failure', responses: { 200: 'job', 404: 'unknown queue or job' } },
});
