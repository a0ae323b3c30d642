/** Baseline worker for bench:movements: same BullMQ setup and concurrency, no work. */
import { Worker } from 'bullmq';
import { getConfig } from '../src/shared/config.js';
import { createRedis } from '../src/shared/jobs/connection.js';

const config = getConfig();
const worker = new Worker('bench-noop', async () => undefined, {
  connection: createRedis(config.REDIS_URL, 'worker'),
  prefix: config.QUEUE_PREFIX,
  concurrency: config.MOVEMENT_WORKER_CONCURRENCY,
});
await worker.waitUntilReady();
process.send?.('ready');
process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
