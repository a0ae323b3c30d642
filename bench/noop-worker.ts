/** Baseline worker for bench:movements: same BullMQ setup, backend (QUEUE_BACKEND) and concurrency, no work. */
import { getConfig } from '../src/shared/config.js';
import { openQueueBackend } from '../src/shared/jobs/connection.js';
import { createWorker } from '../src/shared/jobs/worker.js';

const config = getConfig();
const backend = openQueueBackend({ kind: config.QUEUE_BACKEND ?? 'redis', redisUrl: config.REDIS_URL, databaseUrl: config.DATABASE_URL, prefix: config.QUEUE_PREFIX, poolMax: config.QUEUE_POSTGRES_POOL_MAX, name: 'bench' });
const worker = createWorker(backend, 'bench-noop', async () => undefined, { concurrency: config.MOVEMENT_WORKER_CONCURRENCY });
await worker.waitUntilReady();
process.send?.('ready');
process.on('SIGTERM', () => void worker.close().then(() => backend.close()).then(() => process.exit(0)));
