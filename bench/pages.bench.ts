/**
 * bench:pages — what each page of the web app asks the API for, on the demo shop as `npm start`
 * loads it (≈200 products, a year of simulated sales through the ledger), through the real API
 * process with a signed-in session; against a one-product lookup measured in the same run.
 * Goal: every page's request p95 < 1000 ms (the "no page takes more than a second").
 */
import { sql } from 'kysely';
import { seedDemoData } from '../src/shared/demo/seed.js';
import { createUser } from '../src/shared/use-cases/users.js';
import { benchEnv, report, spawnTs, stop, waitForHttp } from './lib.js';

const PORT = process.env.BENCH_PORT ?? '21211';
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const log = (msg: string) => process.stderr.write(`bench:pages ${msg}\n`);

const bench = await benchEnv('pages', { PORT, HOST: '127.0.0.1', RATE_LIMIT_ENABLED: 'false' });
const base = `http://127.0.0.1:${PORT}`;
let api: ReturnType<typeof spawnTs> | undefined;

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
const round = (x: number) => Math.round(x * 10) / 10;

try {
  log('loading the demo shop with a year of sales');
  const seeded = await seedDemoData(bench.db, { createAdminKey: false });
  await sql`VACUUM ANALYZE`.execute(bench.db);
  const busiest = await sql<{ sku: string; n: number }>`
    SELECT p.sku, count(*)::int AS n FROM stock_movements m JOIN products p ON p.id = m.product_id GROUP BY p.sku ORDER BY n DESC LIMIT 1`.execute(bench.db);
  const { sku, n: ledgerRows } = busiest.rows[0]!;
  const password = 'mil-gondolas-2026';
  await createUser(bench.db, { username: 'medicion', displayName: 'Medición', role: 'viewer', password });

  api = spawnTs('src/api/server.ts', bench.env);
  await waitForHttp(`${base}/health`);
  const signIn = await fetch(`${base}/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'medicion', password }) });
  if (signIn.status !== 201) throw new Error(`sign-in answered ${signIn.status}`);
  const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;

  const requests: Record<string, string> = {
    lookup: `/v1/products/${sku}`,
    summary: '/v1/summary',
    products_page: '/v1/products?limit=50',
    products_search: '/v1/products?q=lec&limit=20',
    kardex: `/v1/products/${sku}/kardex?limit=50`,
    stock_history_90d: `/v1/products/${sku}/stock-history?days=90`,
    below_reorder_point: '/v1/products?belowReorderPoint=true&limit=200',
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(requests).map((k) => [k, []]));
  const get = async (path: string) => {
    const start = process.hrtime.bigint();
    const res = await fetch(`${base}${path}`, { headers: { cookie } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  for (const path of Object.values(requests)) await get(path); // warm up
  log(`timing ${RUNS} rounds of ${Object.keys(requests).length} requests`);
  for (let i = 0; i < RUNS; i++) for (const [name, path] of Object.entries(requests)) times[name]!.push(await get(path));

  const metrics: Record<string, number | string> = { products: seeded.products, ledger_rows_of_kardex_product: ledgerRows, sales_history_movements: seeded.salesHistoryMovements, runs: RUNS };
  for (const [name, xs] of Object.entries(times)) metrics[`${name}_p95_ms`] = round(percentile(xs, 95));
  const worst = Math.max(...Object.entries(times).filter(([k]) => k !== 'lookup').map(([, xs]) => percentile(xs, 95)));
  metrics.worst_page_p95_ms = round(worst);
  metrics.worst_page_vs_lookup = round(worst / percentile(times.lookup!, 95));
  report('pages', metrics, { worst_page_p95_ms: '< 1000' }, worst < 1000);
} finally {
  if (api) await stop(api);
  await bench.cleanup();
}
