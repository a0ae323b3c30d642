import type { QueueName } from '../shared/config.js';
import type { QueueWorker } from './define-worker.js';

/**
 * Worker modules by queue, loaded lazily so a process loads only the queues it runs. Total over
 * the queues: a queue without a worker, or a module whose contract is another queue's, does not compile.
 */
export const workerModules: { [Q in QueueName]: () => Promise<{ default: QueueWorker<Q> }> } = {
  'stock-movements': () => import('./stock-movements.worker.js'),
  'invoice-ingest': () => import('./invoice-ingest.worker.js'),
  'price-recalculations': () => import('./price-recalculations.worker.js'),
  'inflation-updates': () => import('./inflation-updates.worker.js'),
  'demand-forecasts': () => import('./demand-forecasts.worker.js'),
};
