import { UnrecoverableError, Worker, type Job, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Transaction } from 'kysely';
import type { Config } from '../shared/config.js';
import type { Database, DB } from '../shared/db/database.js';
import { withTransaction } from '../shared/db/transaction.js';
import { runWithContext } from '../shared/context.js';
import { PermanentError } from '../shared/errors.js';
import { logger } from '../shared/logging.js';
import { jobDuration, jobsProcessed, jobWait } from '../shared/metrics.js';
import type { JobContract, JobNameOf, PayloadOf } from '../shared/jobs/contract.js';

export interface JobContext {
  job: Job;
  db: Database;
  config: Config;
}

/** A handler that runs inside the one transaction the shell opens for the job attempt. */
export type TransactionalHandler<P> = (payload: P, ctx: JobContext & { trx: Transaction<DB> }) => Promise<unknown>;

/** A handler that manages its own transactions (group commit, slow work before the transaction). */
export interface SelfManagedHandler<P> {
  transaction: 'self-managed';
  handle: (payload: P, ctx: JobContext) => Promise<unknown>;
}

export type Handler<P> = TransactionalHandler<P> | SelfManagedHandler<P>;

/** One handler for every job name of the contract: a missing one does not compile. */
export type HandlerMap<C extends JobContract> = { [N in JobNameOf<C>]: Handler<PayloadOf<C, N>> };

export interface WorkerDefinition<C extends JobContract = JobContract> {
  contract: C;
  handlers: HandlerMap<C>;
  options?: (config: Config) => Partial<Pick<WorkerOptions, 'concurrency' | 'lockDuration' | 'stalledInterval' | 'maxStalledCount'>>;
  /** Called once at boot, after the BullMQ worker exists (job schedulers, warm-up). */
  onStart?: (deps: WorkerDeps) => Promise<void>;
  /** Called on the first shutdown signal, before `worker.close()` waits for active jobs: abandon long CPU work so the drain ends in time. */
  onShutdown?: () => Promise<void>;
  onClose?: () => Promise<void>;
}

export function defineWorker<C extends JobContract>(definition: WorkerDefinition<C>): WorkerDefinition<C> {
  return definition;
}

export interface WorkerDeps {
  config: Config;
  db: Database;
  connection: Redis;
  prefix: string;
}

const log = logger.child({ component: 'worker' });

/**
 * Starts a BullMQ worker for a definition. The shell re-validates `job.data` (it crossed a
 * JSON boundary; invalid data fails permanently), runs the handler (inside one transaction
 * unless self-managed), sets log context, and records metrics. Handlers throw; the shell never
 * swallows: a `PermanentError` becomes `UnrecoverableError`, everything else is retried.
 */
export function startWorker<C extends JobContract>(def: WorkerDefinition<C>, deps: WorkerDeps): Worker {
  const queue = def.contract.queue;
  const processor = async (job: Job) => {
    const labels = { queue, job_name: job.name };
    // Wait counts from when the job became runnable: a delayed or scheduled job's delay is not waiting.
    if (job.attemptsMade === 0 && job.processedOn) jobWait.observe(labels, Math.max(0, job.processedOn - job.timestamp - (job.delay ?? 0)) / 1000);
    return runWithContext({ queue, jobName: job.name, jobId: job.id, attempt: job.attemptsMade + 1 }, async () => {
      const end = jobDuration.startTimer(labels);
      try {
        const schema = def.contract.jobs[job.name];
        const handler = (def.handlers as Record<string, Handler<unknown>>)[job.name];
        if (!schema || !handler) throw new UnrecoverableError(`unknown job name "${job.name}" on queue ${queue}`);
        const parsed = schema.safeParse(job.data);
        if (!parsed.success) throw new UnrecoverableError(`invalid job data: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        const ctx: JobContext = { job, db: deps.db, config: deps.config };
        if (typeof handler === 'function') return await withTransaction(deps.db, (trx) => handler(parsed.data, { ...ctx, trx }));
        return await handler.handle(parsed.data, ctx);
      } catch (err) {
        if (err instanceof PermanentError) throw new UnrecoverableError(`${err.code}: ${err.message}`);
        throw err;
      } finally {
        end();
      }
    });
  };

  const worker = new Worker(queue, processor, {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: 1,
    maxStalledCount: 2,
    lockDuration: deps.config.WORKER_LOCK_DURATION_MS,
    stalledInterval: deps.config.WORKER_LOCK_DURATION_MS,
    ...def.options?.(deps.config),
  });
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
