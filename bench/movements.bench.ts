/**
 * bench:movements — the stock movement hot path against baselines measured in the same run:
 *  A. BullMQ no-op jobs/s vs single-movement jobs committed/s (goal ratio ≥ 0.6), worker peak RSS (< 250 MB);
 *  B. batch endpoint movements committed/s vs raw set-based SQL, 100 rows per transaction (goal ≥ 0.5);
 *  C. API POST /v1/stock-movements req/s and p99 at 50 connections vs a plain Express JSON endpoint
 *     (goal ratio ≥ 0.7, p99 < 50 ms).
 *  D. The PostgreSQL queue backend (QUEUE_BACKEND=postgres, same database): its own no-op jobs/s vs
 *     its single-movement jobs/s (goal ratio ≥ 0.6).
 *  E. `npm start` with nothing reachable (embedded PostgreSQL, queues in it): start to ready, first
 *     start (initdb) and a restart (goal first start < 15 s).
 * Ports: BENCH_PORT (default 18470; the plain Express baseline takes the next one) and
 * BENCH_WORKER_METRICS_PORT (default 19470), so two runs on one machine do not collide.
 */
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import { sql } from 'kysely';
import { createRedis, openQueueBackend } from '../src/shared/jobs/connection.js';
import { embeddedStartToReady } from './embedded-start.js';
import { movementJobId, stockMovementsContract } from '../src/shared/jobs/stock-movements.contract.js';
import { optionsOf } from '../src/shared/jobs/enqueue.js';
import { createApiKey } from '../src/shared/db/repositories/api-keys.repository.js';
import { benchEnv, peakRssMb, report, spawnTs, stop, waitForHttp, waitUntil } from './lib.js';

const JOBS = Number(process.env.BENCH_JOBS ?? 10_000);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 10);
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 8);
const PRODUCTS = 100;
/** Section D: jobs per run on the PostgreSQL backend. */
const PG_JOBS = Number(process.env.BENCH_PG_JOBS ?? 5000);
const PORT = Number(process.env.BENCH_PORT ?? 18470);
const PLAIN_PORT = PORT + 1;
const WORKER_METRICS_PORT = Number(process.env.BENCH_WORKER_METRICS_PORT ?? 19470);

const bench = await benchEnv('movements', { WORKER_METRICS_PORT: String(WORKER_METRICS_PORT), PORT: String(PORT), QUEUE_BACKEND: 'redis' });
const { db, config, env } = bench;
const redis = createRedis(config.REDIS_URL, 'worker');
const q = (name: string) => new Queue(name, { connection: redis, prefix: config.QUEUE_PREFIX });

async function catalog() {
  const [loc, dep] = await db.insertInto('locations').values([{ code: 'SALON', name: 'Salón' }, { code: 'DEPOSITO', name: 'Depósito' }]).returning('id').execute();
  const products = await db
    .insertInto('products')
    .values(Array.from({ length: PRODUCTS }, (_, i) => ({ sku: `B${i}`, name: `Bench ${i}`, category: 'almacen', unit: 'unit' as const })))
    .returning('id')
    .execute();
  return { locs: [loc!.id, dep!.id], products: products.map((p) => p.id) };
}

const { locs, products } = await catalog();
const movementRows = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({
    id: randomUUID(),
    idempotency_key: `${tag}-${i}`,
    type: 'receipt' as const,
    product_id: products[i % PRODUCTS]!,
    location_id: locs[i % 2]!,
    quantity: '1',
    occurred_at: new Date(),
  }));

async function timeJobs(queueName: string, jobs: { name: string; data: object; opts: object }[], done: () => Promise<boolean>) {
  const queue = q(queueName);
  const start = performance.now();
  for (let i = 0; i < jobs.length; i += 1000) await queue.addBulk(jobs.slice(i, i + 1000));
  await waitUntil(`${queueName} jobs`, done);
  const seconds = (performance.now() - start) / 1000;
  await queue.close();
  return jobs.length / seconds;
}

// A. no-op baseline vs movement jobs.
const noop = spawnTs('bench/noop-worker.ts', env);
await new Promise((r) => noop.once('message', r));
const noopQueue = q('bench-noop');
const noopPerSec = await timeJobs(
  'bench-noop',
  Array.from({ length: JOBS }, (_, i) => ({ name: 'noop', data: { movementId: randomUUID() }, opts: { jobId: `n-${i}`, removeOnComplete: false } })),
  async () => (await noopQueue.getCompletedCount()) >= JOBS,
);
await stop(noop);
await noopQueue.obliterate({ force: true });

const rows = movementRows(JOBS, 'single');
for (let i = 0; i < rows.length; i += 2000) await db.insertInto('movement_requests').values(rows.slice(i, i + 2000)).execute();
const worker = spawnTs('src/workers/main.ts', { ...env, WORKER_QUEUES: 'stock-movements' });
await waitForHttp(`http://127.0.0.1:${env.WORKER_METRICS_PORT}/health`);
const pending = async () => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM movement_requests WHERE status = 'queued'`.execute(db)).rows[0]!.n);
const { result: movementPerSec, peakMb } = await peakRssMb(worker.pid!, () =>
  timeJobs(
    stockMovementsContract.queue,
    rows.map((r) => ({ name: 'apply-movement', data: { movementId: r.id }, opts: { ...optionsOf(stockMovementsContract, 'apply-movement', 'redis'), jobId: movementJobId(r.id) } })),
    async () => (await pending()) === 0,
  ),
);

// B. batch endpoint vs raw set-based SQL.
const api = spawnTs('src/api/server.ts', env);
await waitForHttp(`http://127.0.0.1:${env.PORT}/health`);
const key = (await createApiKey(db, 'bench', 'admin')).key;
const base = `http://127.0.0.1:${env.PORT}`;
const batchBody = (b: number) =>
  JSON.stringify({ movements: Array.from({ length: 1000 }, (_, i) => ({ sku: `B${(i + b) % PRODUCTS}`, location: i % 2 ? 'DEPOSITO' : 'SALON', type: i % 3 ? 'receipt' : 'sale', quantity: '1' })) });
const batchStart = performance.now();
for (let b = 0; b < BATCHES; b++) {
  const res = await fetch(`${base}/v1/stock-movements/batch`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: batchBody(b) });
  if (res.status !== 202) throw new Error(`batch answered ${res.status}: ${await res.text()}`);
}
await waitUntil('batches applied', async () => (await pending()) === 0);
const batchPerSec = (BATCHES * 1000) / ((performance.now() - batchStart) / 1000);

await sql`CREATE TABLE bench_ledger (LIKE stock_movements INCLUDING DEFAULTS INCLUDING IDENTITY)`.execute(db);
await sql`CREATE TABLE bench_levels AS SELECT * FROM stock_levels`.execute(db);
await sql`ALTER TABLE bench_levels ADD PRIMARY KEY (product_id, location_id)`.execute(db);
const rawStart = performance.now();
for (let b = 0; b < BATCHES * 10; b++) {
  const ids = Array.from({ length: 100 }, () => randomUUID());
  const ps = ids.map((_, i) => products[(i + b) % PRODUCTS]!);
  const ls = ids.map((_, i) => locs[i % 2]!);
  const qs = ids.map((_, i) => (i % 3 ? '1' : '-1'));
  await db.transaction().execute(async (trx) => {
    await sql`INSERT INTO bench_ledger (movement_id, leg, idempotency_key, type, product_id, location_id, quantity, occurred_at)
              SELECT id, 0, id::text, 'receipt', p, l, q, now() FROM unnest(${ids}::uuid[], ${ps}::bigint[], ${ls}::bigint[], ${qs}::numeric[]) AS v(id, p, l, q)`.execute(trx);
    await sql`UPDATE bench_levels s SET quantity = s.quantity + v.d, updated_at = now()
                FROM (SELECT p, l, sum(q) AS d FROM unnest(${ps}::bigint[], ${ls}::bigint[], ${qs}::numeric[]) AS u(p, l, q) GROUP BY p, l) v
               WHERE s.product_id = v.p AND s.location_id = v.l AND s.quantity + v.d >= 0`.execute(trx);
  });
}
const rawPerSec = (BATCHES * 1000) / ((performance.now() - rawStart) / 1000);
await stop(worker);

// C. API intake vs plain Express (workers stopped: this measures the API alone).
const load = (url: string, headers: Record<string, string>, body: string) =>
  new Promise<autocannon.Result>((resolve, reject) =>
    autocannon({ url, method: 'POST', connections: 50, duration: DURATION_S, headers: { 'content-type': 'application/json', ...headers }, body }, (err, res) => (err ? reject(err) : resolve(res))),
  );
const movement = JSON.stringify({ sku: 'B1', location: 'SALON', type: 'receipt', quantity: '1', reference: 'bench' });
const apiRun = await load(`${base}/v1/stock-movements`, { authorization: `Bearer ${key}` }, movement);
await stop(api);
const plain = spawnTs('bench/plain-express.ts', { ...env, PORT: String(PLAIN_PORT) });
await waitForHttp(`http://127.0.0.1:${PLAIN_PORT}/health`);
const plainRun = await load(`http://127.0.0.1:${PLAIN_PORT}/v1/stock-movements`, {}, movement);
await stop(plain);
const non2xx = apiRun.non2xx + apiRun.errors;

// D. The PostgreSQL queue backend, in the same database: no-op baseline vs movement jobs.
const pgEnv = { ...env, QUEUE_BACKEND: 'postgres' };
const pgBackend = openQueueBackend({ kind: 'postgres', redisUrl: config.REDIS_URL, databaseUrl: config.DATABASE_URL, prefix: config.QUEUE_PREFIX, poolMax: 4, name: 'bench' });
const pgQ = (name: string) => {
  const { factory, ...options } = pgBackend.producer();
  return new Queue(name, options, factory);
};
async function timePgJobs(queueName: string, jobs: { name: string; data: object; opts: object }[], done: () => Promise<boolean>) {
  const queue = pgQ(queueName);
  const start = performance.now();
  for (let i = 0; i < jobs.length; i += 1000) await queue.addBulk(jobs.slice(i, i + 1000));
  await waitUntil(`${queueName} jobs (postgres backend)`, done);
  const seconds = (performance.now() - start) / 1000;
  await queue.close();
  return jobs.length / seconds;
}
const pgNoop = spawnTs('bench/noop-worker.ts', pgEnv);
await new Promise((r) => pgNoop.once('message', r));
const pgNoopQueue = pgQ('bench-noop');
const pgNoopPerSec = await timePgJobs(
  'bench-noop',
  Array.from({ length: PG_JOBS }, (_, i) => ({ name: 'noop', data: { movementId: randomUUID() }, opts: { jobId: `pn-${i}`, removeOnComplete: false } })),
  async () => (await pgNoopQueue.getCompletedCount()) >= PG_JOBS,
);
await stop(pgNoop);
await pgNoopQueue.close();
const pgRows = movementRows(PG_JOBS, 'pg-single');
for (let i = 0; i < pgRows.length; i += 2000) await db.insertInto('movement_requests').values(pgRows.slice(i, i + 2000)).execute();
// Section C left its requests queued (no worker ran): the reconciler must not add them to this measurement.
const pgWorker = spawnTs('src/workers/main.ts', { ...pgEnv, WORKER_QUEUES: 'stock-movements', RECONCILE_GRACE_MS: '3600000' });
const pgIds = pgRows.map((r) => r.id);
const pgPending = async () => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM movement_requests WHERE status = 'queued' AND id = ANY(${pgIds}::uuid[])`.execute(db)).rows[0]!.n);
await waitForHttp(`http://127.0.0.1:${env.WORKER_METRICS_PORT}/health`);
const { result: pgMovementPerSec, peakMb: pgPeakMb } = await peakRssMb(pgWorker.pid!, () =>
  timePgJobs(
    stockMovementsContract.queue,
    // As the API enqueues them on this backend (retention by age only, see withRetentionFor).
    pgRows.map((r) => ({ name: 'apply-movement', data: { movementId: r.id }, opts: { ...optionsOf(stockMovementsContract, 'apply-movement', 'postgres'), jobId: movementJobId(r.id) } })),
    async () => (await pgPending()) === 0,
  ),
);
await stop(pgWorker);
await pgBackend.close();

// E. `npm start` on a machine with nothing reachable: embedded PostgreSQL, queues in it.
const embedded = await embeddedStartToReady(PORT + 2);

const integrity = await sql<{ n: number }>`
  SELECT count(*)::int AS n FROM stock_levels s
   WHERE s.quantity <> coalesce((SELECT sum(m.quantity) FROM stock_movements m WHERE m.product_id = s.product_id AND m.location_id = s.location_id), 0)`.execute(db);

const metrics = {
  noopJobsPerSec: Math.round(noopPerSec),
  movementJobsPerSec: Math.round(movementPerSec),
  singleJobRatio: +(movementPerSec / noopPerSec).toFixed(3),
  batchMovementsPerSec: Math.round(batchPerSec),
  rawSqlMovementsPerSec: Math.round(rawPerSec),
  batchRatio: +(batchPerSec / rawPerSec).toFixed(3),
  apiReqPerSec: Math.round(apiRun.requests.average),
  plainExpressReqPerSec: Math.round(plainRun.requests.average),
  apiRatio: +(apiRun.requests.average / plainRun.requests.average).toFixed(3),
  apiP99Ms: apiRun.latency.p99,
  plainExpressP99Ms: plainRun.latency.p99,
  apiNon2xx: non2xx,
  workerPeakRssMb: peakMb,
  integrityMismatches: integrity.rows[0]!.n,
  jobs: JOBS,
  batchMovements: BATCHES * 1000,
  pgNoopJobsPerSec: Math.round(pgNoopPerSec),
  pgMovementJobsPerSec: Math.round(pgMovementPerSec),
  pgSingleJobRatio: +(pgMovementPerSec / pgNoopPerSec).toFixed(3),
  pgWorkerPeakRssMb: pgPeakMb,
  pgJobs: PG_JOBS,
  /** PostgreSQL backend no-op jobs/s ÷ Redis no-op jobs/s, same run. */
  pgToRedisNoopRatio: +(pgNoopPerSec / noopPerSec).toFixed(3),
  embeddedFirstStartToReadyS: embedded.firstS,
  embeddedRestartToReadyS: embedded.restartS,
};
const goals = { singleJobRatio: '>= 0.6', batchRatio: '>= 0.5', apiRatio: '>= 0.7', apiP99Ms: '< 50', workerPeakRssMb: '< 250', pgSingleJobRatio: '>= 0.6', embeddedFirstStartToReadyS: '< 15' };
const met =
  metrics.singleJobRatio >= 0.6 && metrics.batchRatio >= 0.5 && metrics.apiRatio >= 0.7 && metrics.apiP99Ms < 50 && peakMb < 250 && non2xx === 0 && metrics.integrityMismatches === 0 &&
  metrics.pgSingleJobRatio >= 0.6 && embedded.firstS < 15;
redis.disconnect();
await bench.cleanup();
report('movements', metrics, goals, met);
process.exit(0);
