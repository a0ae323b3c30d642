import type { QueueName } from '../shared/config.js';
import type { WorkerDefinition } from './define-worker.js';

type WorkerModule = { default: WorkerDefinition<any> };

/** Worker modules by queue, loaded lazily so a process loads only the queues it runs. */
export const workerModules: Partial<Record<QueueName, () => Promise<WorkerModule>>> = {
  'stock-movements': () => import('./stock-movements.worker.js'),
  'invoice-ingest': () => import('./invoice-ingest.worker.js'),
  'price-recalculations': () => import('./price-recalculations.worker.js'),
  'inflation-updates': () => import('./inflation-updates.worker.js'),
  'demand-forecasts': () => import('./demand-forecasts.worker.js'),
};
