import { UnrecoverableError, type Job, type Worker, type WorkerOptions } from 'bullmq';
import type { Config } from '../shared/config.js';
import type { Database } from '../shared/db/database.js';
import { runWithContext } from '../shared/context.js';
import { PermanentError } from '../shared/errors.js';
import type { JobContract, JobNameOf, PayloadOf } from '../shared/jobs/contract.js';
import type { Producer } from '../shared/jobs/enqueue.js';
import type { QueueBackend } from '../shared/jobs/connection.js';
import { createWorker, type WorkerTuning } from '../shared/jobs/worker.js';
import { logger } from '../shared/logging.js';
import { jobDuration, jobsProcessed, jobWait } from '../shared/metrics.js';

/** What every job handler gets besides its payload. */
export interface JobContext {
  job: Job;
  db: Database;
  config: Config;
  /** Follow-up jobs: `producer.enqueue(contract, name, payload)`, options from the contract. */
  producer: Producer;
}

/**
 * A job handler. It opens its own transactions with `withTransaction` (slow work such as OCR or
 * inference runs before one opens; follow-up jobs are enqueued after commit).
 */
export type Handler<P> = (payload: P, ctx: JobContext) => Promise<unknown>;

/** One handler for every job name of the contract: a missing one does not compile. */
export type HandlerMap<C extends JobContract> = { [N in JobNameOf<C>]: Handler<PayloadOf<C, N>> };

export interface WorkerDeps {
  config: Config;
  db: Database;
  /** Where the BullMQ worker takes its jobs from (Redis or PostgreSQL). */
  backend: QueueBackend;
  producer: Producer;
}

/** The handlers and lifecycle hooks of one started worker; its state lives in `setup`'s closure. */
export interface WorkerParts<C extends JobContract> {
  handlers: HandlerMap<C>;
  /** Called once at boot, after the BullMQ worker exists (job schedulers, warm-up). */
  onStart?: () => Promise<void>;
  /** Called on the first shutdown signal, before `worker.close()` waits for active jobs: abandon long CPU work so the drain ends in time. */
  onShutdown?: () => Promise<void>;
  onClose?: () => Promise<void>;
}

export interface WorkerDefinition<C extends JobContract> {
  contract: C;
  options?: (config: Config) => WorkerTuning;
  /**
   * false: jobs run without a per-job log context (queue, job id, attempt on every log line).
   * For queues whose jobs are applied together (group commits): a log line there is about the
   * group, and the context's AsyncLocalStorage costs every promise in the process (Node 20's
   * promise hooks), switched on by the first job that uses it. Failures are logged with their
   * job either way.
   */
  logContext?: boolean;
  setup: (deps: WorkerDeps) => WorkerParts<C>;
}

/** A started worker and the hooks the process calls at shutdown. */
export interface RunningWorker {
  worker: Worker;
  onShutdown?: () => Promise<void>;
  onClose?: () => Promise<void>;
}

/** A worker definition with its payload types checked and erased: what the registry holds per queue. */
export interface QueueWorker<Q extends string> {
  queue: Q;
  start: (deps: WorkerDeps) => Promise<RunningWorker>;
}

export function defineWorker<C extends JobContract>(def: WorkerDefinition<C>): QueueWorker<C['queue']> {
  return {
    queue: def.contract.queue,
    start: async (deps) => {
      const parts = def.setup(deps);
      const worker = startWorker(def.contract, parts.handlers, deps, def.options?.(deps.config) ?? {}, def.logContext ?? true);
      await parts.onStart?.();
      return { worker, onShutdown: parts.onShutdown, onClose: parts.onClose };
    },
  };
}

const log = logger.child({ component: 'worker' });

/**
 * Starts a BullMQ worker for a contract's handlers. The shell re-validates `job.data` (it crossed
 * a JSON boundary; invalid data fails permanently), runs the handler, sets log context, and
 * records metrics. Handlers throw; the shell never swallows: a `PermanentError` becomes
 * `UnrecoverableError`, everything else is retried.
 */
function startWorker<C extends JobContract>(contract: C, handlers: HandlerMap<C>, deps: WorkerDeps, tuning: WorkerTuning, logContext: boolean): Worker {
  const queue = contract.queue;
  // Each handler gets the payload its own job's schema parsed below.
  const byName = handlers as unknown as Partial<Record<string, Handler<unknown>>>;
  const processor = async (job: Job) => {
    const labels = { queue, job_name: job.name };
    // Wait counts from when the job became runnable: a delayed or scheduled job's delay is not waiting.
    if (job.attemptsMade === 0 && job.processedOn) jobWait.observe(labels, Math.max(0, job.processedOn - job.timestamp - (job.delay ?? 0)) / 1000);
    const run = async () => {
      const end = jobDuration.startTimer(labels);
      try {
        const schema = contract.jobs[job.name];
        const handler = byName[job.name];
        if (!schema || !handler) throw new UnrecoverableError(`unknown job name "${job.name}" on queue ${queue}`);
        const parsed = schema.safeParse(job.data);
        if (!parsed.success) throw new UnrecoverableError(`invalid job data: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        return await handler(parsed.data, { job, db: deps.db, config: deps.config, producer: deps.producer });
      } catch (err) {
        // BullMQ stops retrying on UnrecoverableError; the original stays its cause (logged with the failure).
        if (err instanceof PermanentError) throw Object.assign(new UnrecoverableError(`${err.code}: ${err.message}`), { cause: err });
        throw err;
      } finally {
        end();
      }
    };
    return logContext ? runWithContext({ queue, jobName: job.name, jobId: job.id, attempt: job.attemptsMade + 1 }, run) : run();
  };

  const options: Omit<WorkerOptions, 'connection' | 'prefix'> = {
    concurrency: 1,
    maxStalledCount: 2,
    lockDuration: deps.config.WORKER_LOCK_DURATION_MS,
    stalledInterval: deps.config.WORKER_LOCK_DURATION_MS,
    ...tuning,
  };
  const worker = createWorker(deps.backend, queue, processor, options);
  worker.on('completed', (job) => {
    jobsProcessed.inc({ queue, job_name: job.name, outcome: 'completed' });
  });
  worker.on('failed', (job, err) => {
    if (!job) return;
    const permanent = err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    jobsProcessed.inc({ queue, job_name: job.name, outcome: permanent ? 'failed_permanent' : 'failed_retry' });
    const fields = { queue, jobName: job.name, jobId: job.id, attempt: job.attemptsMade, err };
    if (permanent) log.error('job failed permanently', fields);
    else log.warn('job failed, will retry', fields);
  });
  worker.on('error', (err) => log.error('worker error', { queue, err }));
  return worker;
}
