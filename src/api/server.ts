import { dataKeysOf } from '../shared/data-keys.js';
import type { Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { getConfig, type Config } from '../shared/config.js';
import { createDatabase } from '../shared/db/database.js';
import { openQueueBackend } from '../shared/jobs/connection.js';
import { Producer } from '../shared/jobs/enqueue.js';
import { stockMovementsContract } from '../shared/jobs/stock-movements.contract.js';
import { logger } from '../shared/logging.js';
import { installShutdown, type CloseStep } from '../shared/shutdown.js';
import { ensureAdminKey, withQueueBackend } from '../shared/bootstrap.js';
import express from 'express';
import { createApp, metricsHandler } from './app.js';
import { JobWaiter } from './job-waiter.js';
import { PostgresRateLimitStore, RedisRateLimitStore } from '../shared/rate-limit.js';

const log = logger.child({ component: 'api' });

/** Starts the HTTP API on `config.PORT`; returns the server and what closing it takes. */
export async function startApi(given: Config): Promise<{ server: Server; metricsServer?: Server; closeSteps: CloseStep[] }> {
  const config = await withQueueBackend(given);
  // Fails fast without usable data keys (a missing key file outside production is created).
  dataKeysOf(config);
  const db = createDatabase({ url: config.DATABASE_URL, max: config.DATABASE_POOL_MAX, applicationName: 'gondola-api' });
  await ensureAdminKey(db, config.GONDOLA_ADMIN_API_KEY);
  const backend = openQueueBackend({ kind: config.QUEUE_BACKEND!, redisUrl: config.REDIS_URL, databaseUrl: config.DATABASE_URL, prefix: config.QUEUE_PREFIX, poolMax: config.QUEUE_POSTGRES_POOL_MAX, name: 'api' });
  const producer = new Producer(backend);
  const waiter = new JobWaiter(backend, stockMovementsContract.queue);
  // On the PostgreSQL backend there may be no Redis: the counters live in PostgreSQL too.
  const rateLimitStore = backend.redis && (config.RATE_LIMIT_STORE ?? 'redis') === 'redis' ? new RedisRateLimitStore(backend.redis, config.QUEUE_PREFIX) : new PostgresRateLimitStore(db);
  const app = createApp({ config, db, producer, waiter, rateLimitStore });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen({ port: config.PORT, host: config.HOST, backlog: config.HTTP_LISTEN_BACKLOG }, () => resolve(s));
    s.once('error', reject);
  });
  // /metrics on an internal port of its own when configured (the public port then has none).
  let metricsServer: Server | undefined;
  const metricsPort = config.API_METRICS_PORT;
  if (metricsPort !== undefined) {
    const internal = express();
    internal.disable('x-powered-by');
    internal.get('/metrics', metricsHandler({ config, db, producer }));
    metricsServer = await new Promise<Server>((resolve, reject) => {
      const s = internal.listen(metricsPort, config.HOST, () => resolve(s));
      s.once('error', reject);
    });
  }
  // Keep-alive longer than typical load balancer idle timeouts.
  server.keepAliveTimeout = 65_000;
  log.info('api listening', { port: (server.address() as { port: number }).port });
  return {
    server,
    metricsServer,
    closeSteps: [
      { name: 'http server', close: () => new Promise((r) => { server.close(() => r(undefined)); server.closeIdleConnections(); }) },
      ...(metricsServer ? [{ name: 'metrics server', close: () => new Promise((r) => metricsServer!.close(() => r(undefined))) }] : []),
      { name: 'job waiter', close: () => waiter.close() },
      { name: 'producer', close: () => producer.close() },
      { name: `queue backend (${backend.kind})`, close: () => backend.close() },
      { name: 'database', close: () => db.destroy() },
    ],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const config = getConfig();
  startApi(config)
    .then(({ closeSteps }) => installShutdown(() => closeSteps, config.SHUTDOWN_TIMEOUT_MS))
    .catch((err) => {
      log.error('api failed to start', { err });
      process.exit(1);
    });
}
