import type { QueueEvents } from 'bullmq';
import type { QueueBackend } from '../shared/jobs/connection.js';
import { createQueueEvents } from '../shared/jobs/worker.js';
import { connectionErrorLogger } from '../shared/logging.js';

/**
 * Lets a request wait for a job to finish (`Prefer: wait=N`). Job events wake waiters early;
 * the caller re-checks PostgreSQL (the record) on every wake-up and at a slow poll, so a
 * missed event or a queue store outage only makes the wait end later, never wrong.
 */
export class JobWaiter {
  private readonly waiters = new Map<string, Set<() => void>>();
  private events: QueueEvents | undefined;

  constructor(backend: QueueBackend | undefined, queue: string) {
    if (!backend) return;
    this.events = createQueueEvents(backend, queue);
    this.events.on('error', connectionErrorLogger('job-waiter', { queue }));
    const wake = ({ jobId }: { jobId: string }) => {
      const set = this.waiters.get(jobId);
      if (set) for (const fn of set) fn();
    };
    this.events.on('completed', wake);
    this.events.on('failed', wake);
  }

  /**
   * Calls `check` until it returns a value or `timeoutMs` passes; between calls it sleeps until
   * an event for `jobId` arrives or `pollMs` elapses.
   */
  async waitFor<T>(jobId: string, timeoutMs: number, check: () => Promise<T | undefined>, pollMs = 500): Promise<T | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const set = this.waiters.get(jobId) ?? new Set();
        this.waiters.set(jobId, set);
        const done = () => {
          clearTimeout(timer);
          set.delete(done);
          if (!set.size) this.waiters.delete(jobId);
          resolve();
        };
        const timer = setTimeout(done, Math.min(pollMs, left));
        set.add(done);
      });
    }
  }

  async close(): Promise<void> {
    await this.events?.close();
  }
}
