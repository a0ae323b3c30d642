import { dataKeysOf } from '../shared/data-keys.js';
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'bullmq';
import { getConfig, type Config } from '../shared/config.js';
import { createDatabase } from '../shared/db/database.js';
import { openQueueBackend } from '../shared/jobs/connection.js';
import { withQueueBackend } from '../shared/bootstrap.js';
import { Producer } from '../shared/jobs/enqueue.js';
import { logger } from '../shared/logging.js';
import { metricsAuthorized, registry } from '../shared/metrics.js';
import { installShutdown, type CloseStep } from '../shared/shutdown.js';
import { startReconciler } from './reconciler.js';
import { workerModules } from './registry.js';

const log = logger.child({ component: 'workers' });

export interface WorkersHandle {
  workers: Worker[];
  closeSteps: CloseStep[];
}

/** Starts the workers of `config.WORKER_QUEUES`, the reconciler, and nothing else. */
export async function startWorkers(given: Config): Promise<WorkersHandle> {
  const config = await withQueueBackend(given);
  if (config.WORKER_QUEUES.includes('invoice-ingest')) dataKeysOf(config);
  const db = createDatabase({ url: config.DATABASE_URL, max: config.DATABASE_POOL_MAX, applicationName: 'gondola-worker' });
  const backend = openQueueBackend({ kind: config.QUEUE_BACKEND!, redisUrl: config.REDIS_URL, databaseUrl: config.DATABASE_URL, prefix: config.QUEUE_PREFIX, poolMax: config.QUEUE_POSTGRES_POOL_MAX, name: 'worker' });
  const producer = new Producer(backend);
  const deps = { config, db, backend, producer };

  const workers: Worker[] = [];
  const closers: CloseStep[] = [];
  const abandoners: CloseStep[] = [];
  for (const queue of config.WORKER_QUEUES) {
    const { worker, onShutdown, onClose } = await (await workerModules[queue]()).default.start(deps);
    workers.push(worker);
    if (onShutdown) abandoners.push({ name: `${queue} abandon`, close: onShutdown });
    if (onClose) closers.push({ name: `${queue} cleanup`, close: onClose });
    log.info('worker started', { queue, concurrency: worker.opts.concurrency });
  }
  const reconciler = config.WORKER_QUEUES.includes('stock-movements')
    ? startReconciler(db, producer, { graceMs: config.RECONCILE_GRACE_MS, intervalMs: config.RECONCILE_INTERVAL_MS })
    : undefined;

  return {
    workers,
    closeSteps: [
      ...(reconciler ? [{ name: 'reconciler', close: () => reconciler.close() }] : []),
      ...abandoners,
      { name: 'workers', close: () => Promise.all(workers.map((w) => w.close())) },
      ...closers,
      { name: 'producer', close: () => producer.close() },
      { name: `queue backend (${backend.kind})`, close: () => backend.close() },
      { name: 'database', close: () => db.destroy() },
    ],
  };
}

/** The worker process's own /metrics and /health (the api serves queue depth, not workers). */
export function startWorkerMetricsServer(port: number, workers: () => Worker[], token?: string, host?: string): http.Server {
  const server = http.createServer(async (req, res) => {
    if (req.url === '/metrics' && !metricsAuthorized(token, req.headers.authorization)) {
      res.statusCode = 401;
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      res.end();
    } else if (req.url === '/metrics') {
      res.setHeader('Content-Type', registry.contentType);
      res.end(await registry.metrics());
    } else if (req.url === '/health') {
      const running = workers().every((w) => w.isRunning());
      res.statusCode = running ? 200 : 503;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ status: running ? 'ok' : 'stopped', queues: workers().map((w) => w.name) }));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  if (host) server.listen(port, host);
  else server.listen(port);
  return server;
}

async function main() {
  const config = getConfig();
  const handle = await startWorkers(config);
  const server = startWorkerMetricsServer(config.WORKER_METRICS_PORT, () => handle.workers, config.METRICS_TOKEN);
  installShutdown(
    () => [{ name: 'metrics server', close: () => new Promise((r) => server.close(() => r(undefined))) }, ...handle.closeSteps],
    config.SHUTDOWN_TIMEOUT_MS,
  );
  log.info('workers ready', { queues: config.WORKER_QUEUES, metricsPort: config.WORKER_METRICS_PORT });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    log.error('worker process failed to start', { err });
    process.exit(1);
  });
}
