/**
 * All-in-one: one shop on one machine. Reaches (or starts) PostgreSQL and Redis, creates and
 * migrates the database, loads demo data into an empty one, then runs the api and every worker
 * in this process. `npm run api` / `npm run worker` run the same parts separately.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getConfig } from './shared/config.js';
import { databaseIsEmpty, ensureServices, prepareDatabase } from './shared/bootstrap.js';
import { seedDemoData } from './shared/demo/seed.js';
import { logger } from './shared/logging.js';
import { installShutdown } from './shared/shutdown.js';
import { startApi } from './api/server.js';
import { startWorkerMetricsServer, startWorkers } from './workers/main.js';

const log = logger.child({ component: 'main' });

async function main() {
  const config = getConfig();
  await ensureServices(config);
  const db = await prepareDatabase(config);
  if (config.LOAD_DEMO_DATA && (await databaseIsEmpty(db))) {
    const seeded = await seedDemoData(db);
    log.info('demo data loaded', { products: seeded.products, locations: seeded.locations, openingMovements: seeded.openingMovements, salesHistoryMovements: seeded.salesHistoryMovements });
    if (seeded.adminKey) {
      const file = path.resolve('.data/admin-api-key');
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `${seeded.adminKey}\n`);
      chmodSync(file, 0o600);
      process.stdout.write(`\n  Admin API key (also saved in ${file}):\n\n    ${seeded.adminKey}\n\n  Try: curl -H "Authorization: Bearer $(cat .data/admin-api-key)" http://127.0.0.1:${config.PORT}/v1/stock\n\n`);
    }
  }
  await db.destroy();

  const workers = await startWorkers(config);
  const metrics = startWorkerMetricsServer(config.WORKER_METRICS_PORT, () => workers.workers);
  const api = await startApi(config);
  installShutdown(
    () => [
      ...api.closeSteps,
      { name: 'worker metrics', close: () => new Promise((r) => metrics.close(() => r(undefined))) },
      ...workers.closeSteps,
    ],
    config.SHUTDOWN_TIMEOUT_MS,
  );
  log.info('gondola ready', { url: `http://127.0.0.1:${config.PORT}`, docs: '/docs', queues: '/admin/queues' });
}

main().catch((err) => {
  log.error('gondola failed to start', { err: err instanceof Error ? err.message : err });
  process.exit(1);
});
