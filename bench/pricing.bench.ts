/**
 * bench:pricing — 100,000 products repriced through the queue (a run planned in PostgreSQL,
 * fanned out as a BullMQ flow of chunk jobs, applied by a worker process) against one raw SQL
 * UPDATE computing the same prices, measured in the same run on identical copies of the data.
 * Goal: queue throughput ≥ 0.5 × the UPDATE's; every price equal in both copies.
 * Also reported: one statement that updates and writes the same history rows (the queue's effects).
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import pg from 'pg';
import { createDatabase, type Database } from '../src/shared/db/database.js';
import { withTransaction } from '../src/shared/db/transaction.js';
import { createRun, markEnqueued } from '../src/shared/db/repositories/pricing-runs.repository.js';
import { openQueueBackend } from '../src/shared/jobs/connection.js';
import { Producer } from '../src/shared/jobs/enqueue.js';
import { enqueueRunFlow } from '../src/producers/price-recalculations.producer.js';
import { withDb } from '../scripts/test-template.js';
import { benchEnv, report, spawnTs, stop, waitForHttp, waitUntil } from './lib.js';

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 100_000);
const CHUNK = process.env.BENCH_CHUNK ?? '1000';
/** Chunk jobs in flight: more than the 2 cores, so one chunk's commit (WAL flush) overlaps another's work. */
const CONCURRENCY = process.env.BENCH_CONCURRENCY ?? '4';
const FORWARD_BP = 250;
const METRICS_PORT = '19481';

const bench = await benchEnv('pricing', { PRICING_CHUNK_SIZE: CHUNK, PRICING_WORKER_CONCURRENCY: CONCURRENCY, WORKER_QUEUES: 'price-recalculations', WORKER_METRICS_PORT: METRICS_PORT });
const admin = new pg.Client({ connectionString: withDb(bench.config.DATABASE_URL, 'postgres') });
await admin.connect();
const mainName = new URL(bench.config.DATABASE_URL).pathname.slice(1);
const copies: string[] = [];
const log = (msg: string) => process.stderr.write(`bench:pricing ${msg}\n`);

/** Rules with every feature in play: markups, margins, steps and endings, change limits, price ahead. */
async function seed(db: Database) {
  await db
    .insertInto('pricing_rules')
    .values([
      { category: 'cat0', markup_pct: 30, min_margin_pct: 18, rounding_step_cents: 1000, ending_cents: 0, max_change_pct: 25, price_ahead_days: null },
      { category: 'cat1', markup_pct: 40, min_margin_pct: 22, rounding_step_cents: 1000, ending_cents: 900, max_change_pct: 15, price_ahead_days: 10 },
      { category: 'cat2', markup_pct: 45, min_margin_pct: 25, rounding_step_cents: 10_000, ending_cents: 0, max_change_pct: null, price_ahead_days: null },
      { category: 'cat3', markup_pct: 50, min_margin_pct: 30, rounding_step_cents: 5000, ending_cents: 0, max_change_pct: 30, price_ahead_days: 30 },
      { category: 'cat4', markup_pct: 60, min_margin_pct: 40, rounding_step_cents: 500, ending_cents: 499, max_change_pct: 5, price_ahead_days: 7 },
      { category: 'cat5', markup_pct: 12.5, min_margin_pct: 15, rounding_step_cents: 1, ending_cents: 0, max_change_pct: null, price_ahead_days: null },
    ])
    .execute();
  await db.insertInto('inflation_index').values({ series: 'expected', period: '2000-01', rate_pct: FORWARD_BP / 100, source: 'bench' }).execute();
  // Half the products have a price today (so change limits bite); costs and taxes vary.
  await sql`
    INSERT INTO products (sku, name, category, unit, replacement_cost_cents, iva_rate_pct, internal_tax_pct, price_cents)
    SELECT 'P' || i, 'Producto de prueba ' || i, 'cat' || (i % 8), 'unit',
           10000 + (i * 7919) % 5000000,
           (ARRAY[21, 10.5, 27, 0, 21])[1 + i % 5],
           CASE WHEN i % 13 = 0 THEN 8 ELSE 0 END,
           CASE WHEN i % 2 = 0 THEN ((10000 + (i * 7919) % 5000000) * (1.1 + (i % 7) * 0.1))::bigint END
      FROM generate_series(1, ${PRODUCTS}) AS i`.execute(db);
  await sql`VACUUM ANALYZE products`.execute(db);
}

/** The price of `computePrice` in SQL, per product (force off, forward rate fixed for the run). */
function pricesQuery(): string {
  const ru = (x: string) => `(CASE WHEN ${x} <= e THEN e ELSE ${x} + (s - (${x} - e) % s) % s END)`;
  const rd = (x: string) => `(CASE WHEN ${x} < e THEN NULL ELSE ${x} - (${x} - e) % s END)`;
  return `
    WITH d AS (SELECT * FROM pricing_rules WHERE category = '*'),
    r AS (
      SELECT cats.category,
             CASE WHEN c.id IS NULL THEN d.markup_pct ELSE c.markup_pct END * 100 AS m,
             CASE WHEN c.id IS NULL THEN d.min_margin_pct ELSE c.min_margin_pct END * 100 AS mm,
             CASE WHEN c.id IS NULL THEN d.rounding_step_cents ELSE c.rounding_step_cents END::numeric AS s,
             CASE WHEN c.id IS NULL THEN d.ending_cents ELSE c.ending_cents END::numeric AS e,
             least(CASE WHEN c.id IS NULL THEN d.max_change_pct ELSE c.max_change_pct END * 100, 10000) AS mc,
             coalesce(CASE WHEN c.id IS NULL THEN d.price_ahead_days ELSE c.price_ahead_days END, 0) AS days
        FROM (SELECT DISTINCT category FROM products) cats CROSS JOIN d LEFT JOIN pricing_rules c ON c.category = cats.category
    ),
    a AS (
      SELECT p.id, p.price_cents::numeric AS old, r.s, r.e, r.mc,
             div(p.replacement_cost_cents::numeric * (10000 + r.m) * (300000 + ${FORWARD_BP} * r.days) * (10000 + (p.iva_rate_pct + p.internal_tax_pct) * 100)
                 + 30000000000000 - 1, 30000000000000) AS gross,
             div(p.replacement_cost_cents::numeric * (10000 + (p.iva_rate_pct + p.internal_tax_pct) * 100) + (10000 - r.mm) - 1, 10000 - r.mm) AS floor_exact
        FROM products p JOIN r ON r.category = p.category
       WHERE p.replacement_cost_cents IS NOT NULL
    ),
    b AS (
      SELECT id, old, s, e, mc, ${ru('gross')} AS target, ${ru('floor_exact')} AS floor_price,
             CASE WHEN mc IS NULL OR old IS NULL OR old <= 0 THEN NULL ELSE div(old * (10000 + mc), 10000) END AS up_exact,
             CASE WHEN mc IS NULL OR old IS NULL OR old <= 0 THEN NULL ELSE div(old * (10000 - mc) + 9999, 10000) END AS down_exact
        FROM a
    ),
    c AS (
      SELECT id, old, target, floor_price, mc, ${rd('up_exact')} AS up, ${ru('down_exact')} AS down FROM b
    ),
    x AS (
      SELECT id, old,
             greatest(CASE WHEN mc IS NULL OR old IS NULL OR old <= 0 THEN target
                           ELSE least(greatest(target, CASE WHEN down > old THEN old ELSE down END),
                                      CASE WHEN up IS NULL OR up < old THEN old ELSE up END) END,
                      floor_price) AS price
        FROM c
    )`;
}

async function cloneMain(suffix: string): Promise<string> {
  const name = `${mainName}_${suffix}`;
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${mainName}`);
  copies.push(name);
  return name;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const start = performance.now();
  const result = await fn();
  return { result, seconds: (performance.now() - start) / 1000 };
}

const pricesOf = async (db: Database) => (await db.selectFrom('products').select(['id', 'price_cents']).orderBy('id').execute()).map((p) => p.price_cents);

let worker: ReturnType<typeof spawnTs> | undefined;
try {
  log(`seeding ${PRODUCTS} products`);
  await seed(bench.db);
  await bench.db.destroy();
  const sqlName = await cloneMain('sql');
  const sqlHistName = await cloneMain('sqlh');
  const sqlDb = createDatabase({ url: withDb(bench.config.DATABASE_URL, sqlName), max: 2 });
  const sqlHistDb = createDatabase({ url: withDb(bench.config.DATABASE_URL, sqlHistName), max: 2 });
  const queueDb = createDatabase({ url: bench.config.DATABASE_URL, max: 4 });

  log('baseline: one UPDATE');
  const baseline = await timed(() =>
    sql.raw(`${pricesQuery()} UPDATE products p SET price_cents = x.price, price_updated_at = now() FROM x WHERE p.id = x.id AND x.price IS DISTINCT FROM x.old`).execute(sqlDb),
  );
  const changedBySql = Number(baseline.result.numAffectedRows ?? 0);

  log('reference: one statement with history rows');
  const runId = 'bench-sql-history';
  await sqlHistDb.insertInto('price_runs').values({ id: runId, trigger: 'api', scope_kind: 'all', reason: 'bench', rules: '{}' }).execute();
  const withHistory = await timed(() =>
    sql.raw(`${pricesQuery()},
      upd AS (UPDATE products p SET price_cents = x.price, price_updated_at = now() FROM x WHERE p.id = x.id AND x.price IS DISTINCT FROM x.old
              RETURNING p.id, x.old, x.price, p.replacement_cost_cents, p.iva_rate_pct, p.internal_tax_pct)
      INSERT INTO price_history (run_id, product_id, old_price_cents, new_price_cents, cost_cents, reason, iva_rate_pct, internal_tax_pct,
                                 without_national_taxes_cents, iva_cents, internal_taxes_cents)
      SELECT '${runId}', id, old, price, replacement_cost_cents, 'bench', iva_rate_pct, internal_tax_pct,
             round(price * 100 / (100 + iva_rate_pct + internal_tax_pct)), round(price * iva_rate_pct / (100 + iva_rate_pct + internal_tax_pct)), 0
        FROM upd`).execute(sqlHistDb),
  );

  log(`queue: worker process, chunks of ${CHUNK}, concurrency ${CONCURRENCY}`);
  worker = spawnTs('src/workers/main.ts', bench.env);
  await waitForHttp(`http://127.0.0.1:${METRICS_PORT}/health`);
  const backend = openQueueBackend({ kind: 'redis', redisUrl: bench.config.REDIS_URL, databaseUrl: bench.config.DATABASE_URL, prefix: bench.config.QUEUE_PREFIX, poolMax: 2, name: 'bench' });
  const producer = new Producer(backend);
  await producer.queue({ queue: 'price-recalculations' }).waitUntilReady();
  const queued = await timed(async () => {
    const plan = await withTransaction(queueDb, (trx) => createRun(trx, { id: randomUUID(), trigger: 'api', scope: { kind: 'all' }, reason: 'bench' }, Number(CHUNK)));
    await enqueueRunFlow(producer, plan);
    await markEnqueued(queueDb, plan.id);
    await waitUntil('the run to complete', async () => (await queueDb.selectFrom('price_runs').select('status').where('id', '=', plan.id).executeTakeFirstOrThrow()).status === 'completed', 600_000, 25);
    return queueDb.selectFrom('price_runs').selectAll().where('id', '=', plan.id).executeTakeFirstOrThrow();
  });
  await producer.close();
  await backend.close();

  const [a, b, h] = await Promise.all([pricesOf(queueDb), pricesOf(sqlDb), pricesOf(sqlHistDb)]);
  const mismatches = a.filter((p, i) => p !== b[i]).length + b.filter((p, i) => p !== h[i]).length;
  await Promise.all([sqlDb.destroy(), sqlHistDb.destroy(), queueDb.destroy()]);

  const run = queued.result;
  const sqlPps = PRODUCTS / baseline.seconds;
  const queuePps = PRODUCTS / queued.seconds;
  const ratio = queuePps / sqlPps;
  const metrics = {
    products: PRODUCTS,
    products_changed: run.products_changed,
    chunks: run.chunks_total,
    chunk_size: Number(CHUNK),
    worker_concurrency: Number(CONCURRENCY),
    sql_update_wall_s: +baseline.seconds.toFixed(3),
    sql_update_products_per_s: Math.round(sqlPps),
    sql_update_with_history_wall_s: +withHistory.seconds.toFixed(3),
    sql_update_with_history_products_per_s: Math.round(PRODUCTS / withHistory.seconds),
    queue_wall_s: +queued.seconds.toFixed(3),
    queue_products_per_s: Math.round(queuePps),
    ratio_vs_update: +ratio.toFixed(3),
    ratio_vs_update_with_history: +(queuePps / (PRODUCTS / withHistory.seconds)).toFixed(3),
    price_mismatches: mismatches,
    sql_changed: changedBySql,
  };
  const goals = { ratio_vs_update: '>= 0.5', price_mismatches: 0, products_changed: `= ${changedBySql} (the UPDATE's)` };
  const met = ratio >= 0.5 && mismatches === 0 && run.products_changed === changedBySql;
  log(`UPDATE ${metrics.sql_update_wall_s}s (${metrics.sql_update_products_per_s}/s), with history ${metrics.sql_update_with_history_wall_s}s, queue ${metrics.queue_wall_s}s (${metrics.queue_products_per_s}/s)`);
  report('pricing', metrics, goals, met);
} finally {
  if (worker) await stop(worker);
  const redis = new Redis(bench.config.REDIS_URL);
  const keys = await redis.keys(`${bench.config.QUEUE_PREFIX}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  for (const name of copies) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`DROP DATABASE IF EXISTS ${mainName} WITH (FORCE)`);
  await admin.end();
}
