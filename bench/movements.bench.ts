/**
 * bench:movements — the stock movement hot path against baselines measured in the same run:
 *  A. BullMQ no-op jobs/s vs single-movement jobs committed/s (goal ratio ≥ 0.6), worker peak RSS (< 250 MB);
 *  B. batch endpoint movements committed/s vs raw set-based SQL, 100 rows per transaction, into a copy
 *     of the ledger with its indexes and unique keys (goal ≥ 0.5; a bare copy is reported beside it);
 *  C. API POST /v1/stock-movements req/s and p99 at 50 connections vs a plain Express JSON endpoint
 *     (goal ratio ≥ 0.7, p99 < 50 ms); the same API with its jobs in PostgreSQL is reported beside it.
 *  D. The PostgreSQL queue backend (QUEUE_BACKEND=postgres, same database): its own no-op jobs/s vs
 *     its single-movement jobs/s (goal ratio ≥ 0.6).
 *  E. `npm start` with nothing reachable (embedded PostgreSQL, queues in it): start to ready, first
 *     start (initdb) and a restart (goal first start < 15 s).
 * Each side and its baseline run in BENCH_ROUNDS (default 3) alternating rounds after a warm-up;
 * ratios compare the medians, and every round's figure is in `perRound`.
 * Ports: BENCH_PORT (default 18470; the plain Express baseline takes the next one, the embedded
 * start the one after, the PostgreSQL-backend API the fourth) and
 * BENCH_WORKER_METRICS_PORT (default 19470), so two runs on one machine do not collide.
 */
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import { sql } from 'kysely';
import { createRedis, openQueueBackend, type QueueBackendKind } from '../src/shared/jobs/connection.js';
import { embeddedStartToReady } from './embedded-start.js';
import { movementJobId, stockMovementsContract } from '../src/shared/jobs/stock-movements.contract.js';
import { optionsOf } from '../src/shared/jobs/enqueue.js';
import { createApiKey } from '../src/shared/db/repositories/api-keys.repository.js';
import { benchEnv, peakRssMb, report, spawnTs, stop, waitForHttp, waitUntil } from './lib.js';

const JOBS = Number(process.env.BENCH_JOBS ?? 10_000);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 10);
/** Batches sent (and raw transactions run, ×10) before timing, so neither side is measured cold. */
const WARMUP_BATCHES = 2;
/**
 * Each measurement and its baseline run in alternating rounds and the medians are compared: on a
 * 2-core machine one short run of either side can be off by a third (seen: no-op 5.2k–8.0k jobs/s).
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 6);
const PRODUCTS = 100;
/** Section D: jobs per run on the PostgreSQL backend. */
const PG_JOBS = Number(process.env.BENCH_PG_JOBS ?? 5000);
const PORT = Number(process.env.BENCH_PORT ?? 18470);
const PLAIN_PORT = PORT + 1;
/** PORT + 2 is the embedded start's (section E). */
const PG_API_PORT = PORT + 3;
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

/** Nothing waiting, delayed or running: the same completion check for the no-op and the movement jobs. */
const drained = async (queue: Queue) => Object.values(await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children')).every((n) => n === 0);

/** Adds the jobs in bulk (on the backend `open` connects to) and times until `done`: jobs/s. */
async function timeJobs(queueName: string, jobs: { name: string; data: object; opts: object }[], done: () => Promise<boolean>, open: (name: string) => Queue = q) {
  const queue = open(queueName);
  const start = performance.now();
  for (let i = 0; i < jobs.length; i += 1000) await queue.addBulk(jobs.slice(i, i + 1000));
  await waitUntil(`${queueName} jobs`, done);
  const seconds = (performance.now() - start) / 1000;
  await queue.close();
  return jobs.length / seconds;
}

// The same job options (retries, retention) and id shape as movement jobs: the ratio measures the movement's work, not BullMQ settings.
const movementJobOpts = (kind: QueueBackendKind, movementId: string) => ({ ...optionsOf(stockMovementsContract, 'apply-movement', kind), jobId: movementJobId(movementId) });
const noopJobs = (n: number, kind: QueueBackendKind) =>
  Array.from({ length: n }, () => ({ name: 'noop', data: { movementId: randomUUID() }, opts: movementJobOpts(kind, randomUUID()) }));

/**
 * Sections A and D: no-op jobs and single-movement jobs in alternating rounds on one backend (both
 * workers are up; an idle one only waits). Movement requests are recorded just before their round,
 * as the API records them, and enqueued as the API enqueues them on that backend (on PostgreSQL,
 * retention by age only: see withRetentionFor). Returns the medians and the worker's peak RSS.
 */
async function singleJobRounds(kind: QueueBackendKind, n: number, workerPid: number, open: (name: string) => Queue) {
  const noopQueue = open('bench-noop');
  const movementQueue = open(stockMovementsContract.queue);
  const noopRates: number[] = [];
  const movementRates: number[] = [];
  let peakMb = 0;
  for (let round = 0; round < ROUNDS; round++) {
    noopRates.push(await timeJobs('bench-noop', noopJobs(n, kind), () => drained(noopQueue), open));
    const rows = movementRows(n, `${kind}-single-${round}`);
    for (let i = 0; i < rows.length; i += 2000) await db.insertInto('movement_requests').values(rows.slice(i, i + 2000)).execute();
    const measured = await peakRssMb(workerPid, () =>
      timeJobs(
        stockMovementsContract.queue,
        rows.map((r) => ({ name: 'apply-movement', data: { movementId: r.id }, opts: movementJobOpts(kind, r.id) })),
        // A job completes only after its group committed: a drained queue means every movement is decided.
        () => drained(movementQueue),
        open,
      ),
    );
    const left = await sql<{ n: number }>`SELECT count(*)::int AS n FROM movement_requests WHERE status = 'queued' AND id = ANY(${rows.map((r) => r.id)}::uuid[])`.execute(db);
    if (left.rows[0]!.n !== 0) throw new Error(`movement jobs (${kind} backend) finished with requests still queued`);
    movementRates.push(measured.result);
    peakMb = Math.max(peakMb, measured.peakMb);
  }
  await noopQueue.obliterate({ force: true });
  await noopQueue.close();
  await movementQueue.close();
  return { noopRates, movementRates, noopPerSec: median(noopRates), movementPerSec: median(movementRates), peakMb };
}

// A. no-op baseline vs movement jobs on Redis.
const noop = spawnTs('bench/noop-worker.ts', env);
await new Promise((r) => noop.once('message', r));
const worker = spawnTs('src/workers/main.ts', { ...env, WORKER_QUEUES: 'stock-movements' });
await waitForHttp(`http://127.0.0.1:${env.WORKER_METRICS_PORT}/health`);
const { noopRates, movementRates, noopPerSec, movementPerSec, peakMb } = await singleJobRounds('redis', JOBS, worker.pid!, q);
await stop(noop);

// B. batch endpoint vs raw set-based SQL.
const api = spawnTs('src/api/server.ts', env);
await waitForHttp(`http://127.0.0.1:${env.PORT}/health`);
const key = (await createApiKey(db, 'bench', 'admin')).key;
const base = `http://127.0.0.1:${env.PORT}`;
const batchBody = (b: number) =>
  JSON.stringify({ movements: Array.from({ length: 1000 }, (_, i) => ({ sku: `B${(i + b) % PRODUCTS}`, location: i % 2 ? 'DEPOSITO' : 'SALON', type: i % 3 ? 'receipt' : 'sale', quantity: '1' })) });
// Polled every 50 ms while timed: only the batches just sent, through the batch_id index (no index covers status).
const batchesQueued = async (ids: string[]) =>
  Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM movement_requests WHERE batch_id = ANY(${ids}::uuid[]) AND status = 'queued'`.execute(db)).rows[0]!.n);
const postBatches = async (n: number) => {
  const ids: string[] = [];
  for (let b = 0; b < n; b++) {
    const res = await fetch(`${base}/v1/stock-movements/batch`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: batchBody(b) });
    // Read every answer whole, as a client does: an unread body held the connection open (the API's shutdown then waited for it).
    const answer = await res.text();
    if (res.status !== 202) throw new Error(`batch answered ${res.status}: ${answer}`);
    ids.push((JSON.parse(answer) as { id: string }).id);
  }
  await waitUntil('batches applied', async () => (await batchesQueued(ids)) === 0);
};
// Warm-up (not timed): the API process was just started; its first requests compile the batch path.
await postBatches(WARMUP_BATCHES);
const timeBatches = async () => {
  const start = performance.now();
  await postBatches(BATCHES);
  return (BATCHES * 1000) / ((performance.now() - start) / 1000);
};

/**
 * Set-based SQL writing the same ledger rows and balances, 100 rows per transaction. `ledgerLike`
 * says what the ledger copy keeps of stock_movements: INCLUDING ALL keeps its indexes, unique keys
 * and checks (the work any writer of this ledger pays; not its foreign keys or triggers); the bare
 * copy (defaults and identity only) is the earlier, cheaper baseline, still reported.
 */
async function rawSqlWriter(table: string, ledgerLike: string): Promise<() => Promise<number>> {
  await sql.raw(`CREATE TABLE ${table} (LIKE stock_movements ${ledgerLike})`).execute(db);
  const levels = `${table}_levels`;
  await sql.raw(`CREATE TABLE ${levels} AS SELECT * FROM stock_levels`).execute(db);
  await sql.raw(`ALTER TABLE ${levels} ADD PRIMARY KEY (product_id, location_id)`).execute(db);
  const write = async (b: number) => {
    const ids = Array.from({ length: 100 }, () => randomUUID());
    const ps = ids.map((_, i) => products[(i + b) % PRODUCTS]!);
    const ls = ids.map((_, i) => locs[i % 2]!);
    const qs = ids.map((_, i) => (i % 3 ? '1' : '-1'));
    await db.transaction().execute(async (trx) => {
      await sql`INSERT INTO ${sql.table(table)} (movement_id, leg, idempotency_key, type, product_id, location_id, quantity, occurred_at)
                SELECT id, 0, id::text, 'receipt', p, l, q, now() FROM unnest(${ids}::uuid[], ${ps}::bigint[], ${ls}::bigint[], ${qs}::numeric[]) AS v(id, p, l, q)`.execute(trx);
      await sql`UPDATE ${sql.table(levels)} s SET quantity = s.quantity + v.d, updated_at = now()
                  FROM (SELECT p, l, sum(q) AS d FROM unnest(${ps}::bigint[], ${ls}::bigint[], ${qs}::numeric[]) AS u(p, l, q) GROUP BY p, l) v
                 WHERE s.product_id = v.p AND s.location_id = v.l AND s.quantity + v.d >= 0`.execute(trx);
    });
  };
  for (let b = 0; b < WARMUP_BATCHES * 10; b++) await write(b);
  return async () => {
    const start = performance.now();
    for (let b = 0; b < BATCHES * 10; b++) await write(b);
    return (BATCHES * 1000) / ((performance.now() - start) / 1000);
  };
}
const rawSql = await rawSqlWriter('bench_ledger', 'INCLUDING ALL');
const rawSqlBare = await rawSqlWriter('bench_ledger_bare', 'INCLUDING DEFAULTS INCLUDING IDENTITY');
const batchRates: number[] = [];
const rawRates: number[] = [];
const rawBareRates: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  batchRates.push(await timeBatches());
  rawRates.push(await rawSql());
  rawBareRates.push(await rawSqlBare());
}
const batchPerSec = median(batchRates);
const rawPerSec = median(rawRates);
const rawBarePerSec = median(rawBareRates);
await stop(worker);

// C. API intake vs plain Express (workers stopped: this measures the API alone).
const run = (url: string, headers: Record<string, string>, body: string, duration: number) =>
  new Promise<autocannon.Result>((resolve, reject) =>
    autocannon({ url, method: 'POST', connections: 50, duration, headers: { 'content-type': 'application/json', ...headers }, body }, (err, res) => (err ? reject(err) : resolve(res))),
  );
const movement = JSON.stringify({ sku: 'B1', location: 'SALON', type: 'receipt', quantity: '1', reference: 'bench' });
const plain = spawnTs('bench/plain-express.ts', { ...env, PORT: String(PLAIN_PORT) });
await waitForHttp(`http://127.0.0.1:${PLAIN_PORT}/health`);
/** POSTs of one movement to the server on `port` for `duration` seconds. */
const loadOf = (port: number, headers: Record<string, string>) => (duration = DURATION_S) => run(`http://127.0.0.1:${port}/v1/stock-movements`, headers, movement, duration);
const apiLoad = loadOf(PORT, { authorization: `Bearer ${key}` });
const plainLoad = loadOf(PLAIN_PORT, {});
// The same API with its jobs in PostgreSQL (QUEUE_BACKEND=postgres: the one-database setup, a shop's default).
const pgEnv = { ...env, QUEUE_BACKEND: 'postgres' };
const pgApi = spawnTs('src/api/server.ts', { ...pgEnv, PORT: String(PG_API_PORT) });
await waitForHttp(`http://127.0.0.1:${PG_API_PORT}/health`);
const pgApiLoad = loadOf(PG_API_PORT, { authorization: `Bearer ${key}` });
for (const warmUp of [apiLoad, plainLoad, pgApiLoad]) await warmUp(1);
const apiRuns: autocannon.Result[] = [];
const plainRuns: autocannon.Result[] = [];
const pgApiRuns: autocannon.Result[] = [];
for (let round = 0; round < ROUNDS; round++) {
  apiRuns.push(await apiLoad());
  plainRuns.push(await plainLoad());
  pgApiRuns.push(await pgApiLoad());
}
await stop(api);
await stop(plain);
await stop(pgApi);
const failures = (runs: autocannon.Result[]) => runs.reduce((n, r) => n + r.non2xx + r.errors, 0);
const non2xx = failures(apiRuns);
const apiReqPerSec = median(apiRuns.map((r) => r.requests.average));
const plainReqPerSec = median(plainRuns.map((r) => r.requests.average));
const apiP99 = median(apiRuns.map((r) => r.latency.p99));
const plainP99 = median(plainRuns.map((r) => r.latency.p99));
const pgApiReqPerSec = median(pgApiRuns.map((r) => r.requests.average));
const pgApiP99 = median(pgApiRuns.map((r) => r.latency.p99));
const pgApiNon2xx = failures(pgApiRuns);

// D. The PostgreSQL queue backend, in the same database: no-op baseline vs movement jobs.
const pgBackend = openQueueBackend({ kind: 'postgres', redisUrl: config.REDIS_URL, databaseUrl: config.DATABASE_URL, prefix: config.QUEUE_PREFIX, poolMax: 4, name: 'bench' });
const pgQ = (name: string) => {
  const { factory, ...options } = pgBackend.producer();
  return new Queue(name, options, factory);
};
// The PostgreSQL-backend API's jobs of section C are not part of this measurement.
const pgApiQueue = pgQ(stockMovementsContract.queue);
await pgApiQueue.obliterate({ force: true });
await pgApiQueue.close();
const pgNoop = spawnTs('bench/noop-worker.ts', pgEnv);
await new Promise((r) => pgNoop.once('message', r));
// Section C left its requests queued (no worker ran): the reconciler must not add them to this measurement.
const pgWorker = spawnTs('src/workers/main.ts', { ...pgEnv, WORKER_QUEUES: 'stock-movements', RECONCILE_GRACE_MS: '3600000' });
await waitForHttp(`http://127.0.0.1:${env.WORKER_METRICS_PORT}/health`);
const {
  noopRates: pgNoopRates,
  movementRates: pgMovementRates,
  noopPerSec: pgNoopPerSec,
  movementPerSec: pgMovementPerSec,
  peakMb: pgPeakMb,
} = await singleJobRounds('postgres', PG_JOBS, pgWorker.pid!, pgQ);
await stop(pgNoop);
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
  /** The same raw SQL into a ledger copy without indexes or unique keys (the baseline before 2026-12-07). */
  rawSqlBareTableMovementsPerSec: Math.round(rawBarePerSec),
  batchRatioVsBareTable: +(batchPerSec / rawBarePerSec).toFixed(3),
  apiReqPerSec: Math.round(apiReqPerSec),
  plainExpressReqPerSec: Math.round(plainReqPerSec),
  apiRatio: +(apiReqPerSec / plainReqPerSec).toFixed(3),
  apiP99Ms: apiP99,
  plainExpressP99Ms: plainP99,
  apiNon2xx: non2xx,
  /** The API with QUEUE_BACKEND=postgres (jobs in the same database), against the same plain endpoint: reported, no goal. */
  pgApiReqPerSec: Math.round(pgApiReqPerSec),
  pgApiRatio: +(pgApiReqPerSec / plainReqPerSec).toFixed(3),
  pgApiP99Ms: pgApiP99,
  pgApiNon2xx,
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
  rounds: ROUNDS,
  /** Every round's rate (jobs/s, movements/s, req/s), in order: the medians above come from these. */
  perRound: {
    noop: noopRates.map(Math.round),
    movement: movementRates.map(Math.round),
    batch: batchRates.map(Math.round),
    rawSql: rawRates.map(Math.round),
    api: apiRuns.map((r) => Math.round(r.requests.average)),
    plainExpress: plainRuns.map((r) => Math.round(r.requests.average)),
    pgApi: pgApiRuns.map((r) => Math.round(r.requests.average)),
    pgNoop: pgNoopRates.map(Math.round),
    pgMovement: pgMovementRates.map(Math.round),
  },
};
const goals = { singleJobRatio: '>= 0.6', batchRatio: '>= 0.5', apiRatio: '>= 0.7', apiP99Ms: '< 50', workerPeakRssMb: '< 250', pgSingleJobRatio: '>= 0.6', embeddedFirstStartToReadyS: '< 15' };
const met =
  metrics.singleJobRatio >= 0.6 && metrics.batchRatio >= 0.5 && metrics.apiRatio >= 0.7 && metrics.apiP99Ms < 50 && peakMb < 250 && non2xx === 0 && pgApiNon2xx === 0 && metrics.integrityMismatches === 0 &&
  metrics.pgSingleJobRatio >= 0.6 && embedded.firstS < 15;
redis.disconnect();
await bench.cleanup();
report('movements', metrics, goals, met);
process.exit(0);
