/**
 * All-in-one: one shop on one machine. Reaches (or starts) PostgreSQL and Redis, creates and
 * migrates the database, loads demo data into an empty one, then runs the api and every worker
 * in this process. `npm run api` / `npm run worker` run the same parts separately.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getConfig } from './shared/config.js';
import { dataKeysOf } from './shared/data-keys.js';
import { databaseIsEmpty, ensureDemoUsers, prepareDatabase, startServices } from './shared/bootstrap.js';
import { seedDemoData } from './shared/demo/seed.js';
import { logger } from './shared/logging.js';
import { installShutdown } from './shared/shutdown.js';
import { startApi } from './api/server.js';
import { startWorkerMetricsServer, startWorkers } from './workers/main.js';

const log = logger.child({ component: 'main' });

async function main() {
  const services = await startServices(getConfig());
  const { config } = services;
  const db = await prepareDatabase(config);
  // Invoice files are encrypted with these keys; a key file is created on first start.
  const keys = dataKeysOf(config);
  log.info('data keys', { source: keys.describe(), activeKeyId: keys.activeKey().id });
  const saveSecret = (name: string, text: string) => {
    const file = path.resolve('.data', name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    chmodSync(file, 0o600);
    return file;
  };
  const demoWanted = config.LOAD_DEMO_DATA && (await databaseIsEmpty(db));
  // The first person to sign in: `admin` with a random password, shown once (and on a demo, one user per role).
  const users = await ensureDemoUsers(db, { demo: demoWanted });
  if (users.admin) {
    const file = saveSecret('admin-password', `${users.admin}\n`);
    process.stdout.write(`\n  Sign in at http://127.0.0.1:${config.PORT}/ as user "admin" with password (also saved in ${file}):\n\n    ${users.admin}\n\n`);
  }
  if (users.others.length) {
    const file = saveSecret('demo-passwords', users.others.map((u) => `${u.username}\t${u.role}\t${u.password}\n`).join(''));
    process.stdout.write(`  Demo users ${users.others.map((u) => `"${u.username}" (${u.role})`).join(', ')}: passwords in ${file}\n\n`);
  }
  if (demoWanted) {
    const seeded = await seedDemoData(db);
    log.info('demo data loaded', { products: seeded.products, locations: seeded.locations, openingMovements: seeded.openingMovements, salesHistoryMovements: seeded.salesHistoryMovements });
    if (seeded.adminKey) {
      const file = saveSecret('admin-api-key', `${seeded.adminKey}\n`);
      process.stdout.write(`\n  Admin API key (also saved in ${file}):\n\n    ${seeded.adminKey}\n\n  Try: curl -H "Authorization: Bearer $(cat .data/admin-api-key)" http://127.0.0.1:${config.PORT}/v1/stock\n\n`);
    }
  }
  await db.destroy();

  const workers = await startWorkers(config);
  // One machine: the workers' /metrics stays on loopback unless a token protects it.
  const metrics = startWorkerMetricsServer(config.WORKER_METRICS_PORT, () => workers.workers, config.METRICS_TOKEN, config.METRICS_TOKEN ? undefined : '127.0.0.1');
  const api = await startApi(config);
  installShutdown(
    () => [
      ...api.closeSteps,
      { name: 'worker metrics', close: () => new Promise((r) => metrics.close(() => r(undefined))) },
      ...workers.closeSteps,
      ...(services.database.embedded ? [{ name: 'embedded postgresql', close: () => services.database.embedded!.stop() }] : []),
    ],
    config.SHUTDOWN_TIMEOUT_MS,
  );
  log.info('gondola ready', { url: `http://127.0.0.1:${config.PORT}`, docs: '/docs', queues: '/admin/queues' });
}

main().catch((err) => {
  log.error('gondola failed to start', { err: err instanceof Error ? err.message : err });
  process.exit(1);
});
