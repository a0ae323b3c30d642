/**
 * Body of a training thread (started by `TrainingThreads` through the bootstrap): says it
 * started, runs one `trainAndExport` on `workerData.request`, posts the reply, and ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { trainAndExport, type TrainingRequest } from '../../shared/domain/forecast/training.js';
import type { ThreadMessage } from './demand-forecasts.threads.js';

const request = (workerData as { request: TrainingRequest }).request;
parentPort!.postMessage({ started: true } satisfies ThreadMessage);
let reply: ThreadMessage;
try {
  reply = { ok: true, result: trainAndExport(request) };
} catch (err) {
  const e = err instanceof Error ? err : new Error(String(err));
  reply = { ok: false, error: { name: e.name, message: e.message, stack: e.stack } };
}
parentPort!.postMessage(reply);
