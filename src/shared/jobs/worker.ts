import { Worker, type Job, type WorkerOptions } from 'bullmq';

/** What a worker definition may tune; connection, prefix and lock timing come from the shell. */
export type WorkerTuning = Partial<Pick<WorkerOptions, 'concurrency' | 'lockDuration' | 'stalledInterval' | 'maxStalledCount'>>;

/** The one place that constructs a BullMQ worker (queues and flows: `enqueue.ts`). */
export function createWorker(queue: string, processor: (job: Job) => Promise<unknown>, options: WorkerOptions): Worker {
  return new Worker(queue, processor, options);
}
