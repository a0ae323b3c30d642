import { QueueEvents, Worker, type Job, type WorkerOptions } from 'bullmq';
import type { QueueBackend } from './connection.js';

/** What a worker definition may tune; connection, prefix and lock timing come from the shell. */
export type WorkerTuning = Partial<Pick<WorkerOptions, 'concurrency' | 'lockDuration' | 'stalledInterval' | 'maxStalledCount'>>;

/** The one place that constructs a BullMQ worker (queues and flows: `enqueue.ts`), on the process's queue backend. */
export function createWorker(backend: QueueBackend, queue: string, processor: (job: Job) => Promise<unknown>, options: Omit<WorkerOptions, 'connection' | 'prefix'>): Worker {
  const { factory, ...connection } = backend.blocking();
  return new Worker(queue, processor, { ...options, ...connection }, factory);
}

/** Job events of one queue (completed, failed, …) on the process's queue backend. */
export function createQueueEvents(backend: QueueBackend, queue: string): QueueEvents {
  const { factory, ...connection } = backend.blocking();
  return new QueueEvents(queue, connection, factory);
}
