import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker as Thread } from 'node:worker_threads';
import type { TrainingRequest, TrainingResult } from '../../shared/domain/forecast/training.js';
import { TrainingAbandonedError } from '../../shared/errors.js';

/** What a training thread posts: that it started, then the result or the error it threw (as plain data). */
export type ThreadMessage = { started: true } | { ok: true; result: TrainingResult } | { ok: false; error: { name: string; message: string; stack?: string } };

const BOOTSTRAP = new URL('./demand-forecasts.bootstrap.mjs', import.meta.url);
// This module's own extension tells whether it runs compiled (dist/) or through the TypeScript loader.
const ENTRY = new URL(`./demand-forecasts.thread${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url).href;

/**
 * Runs trainings in worker threads, one thread per training, so the process's event loop keeps
 * serving HTTP, renewing job locks and handling signals for the whole minute a training may take.
 * `abandon()` terminates the running threads (V8 stops them even inside a tight loop) and
 * refuses new trainings: a worker calls it on the first shutdown signal.
 */
export class TrainingThreads {
  readonly #threads = new Set<Thread>();
  #abandoned = false;

  /** Trainings whose thread has not answered yet. */
  get running(): number {
    return this.#threads.size;
  }

  /** Trains in a new thread; `onStarted` fires when the thread has loaded its code and begins the CPU work. */
  train(request: TrainingRequest, options: { onStarted?: () => void } = {}): Promise<TrainingResult> {
    if (this.#abandoned) return Promise.reject(new TrainingAbandonedError('training not started: the worker is shutting down'));
    return new Promise((resolve, reject) => {
      // execArgv: [] — the bootstrap registers the TypeScript loader; the process's flags are not for threads.
      const thread = new Thread(BOOTSTRAP, { execArgv: [], workerData: { entry: ENTRY, request }, name: 'demand-forecasts training' });
      this.#threads.add(thread);
      let settled = false;
      const settle = (fn: () => void) => {
        settled = true;
        this.#threads.delete(thread);
        fn();
      };
      thread.on('message', (message: ThreadMessage) => {
        if ('started' in message) options.onStarted?.();
        else if (message.ok) settle(() => resolve(message.result));
        else settle(() => reject(Object.assign(new Error(message.error.message), { name: message.error.name, stack: message.error.stack })));
      });
      thread.once('error', (err) => settle(() => reject(err)));
      thread.once('exit', (code) => {
        if (settled) return;
        settle(() => reject(this.#abandoned ? new TrainingAbandonedError('training abandoned: the worker is shutting down') : new Error(`training thread exited with code ${code} before answering`)));
      });
    });
  }

  /** Throws `TrainingAbandonedError` once `abandon()` was called: a training checks it between its preparation steps. */
  throwIfAbandoned(): void {
    if (this.#abandoned) throw new TrainingAbandonedError('training not started: the worker is shutting down');
  }

  /** Terminates every running training (each rejects with `TrainingAbandonedError`) and refuses new ones. */
  async abandon(): Promise<void> {
    this.#abandoned = true;
    await Promise.all([...this.#threads].map((t) => t.terminate()));
  }
}
