/**
 * bench:search — product search as you type over 10,000 products through the real API (its own
 * process, a signed-in session cookie, the full row: stock per location, price, cost, margin)
 * against a plain indexed lookup of one product (`GET /v1/products/:sku`, same process, same
 * session, same row shape) measured in the same run, requests interleaved one by one.
 * Queries: every prefix of product names as a person types them (with and without accents,
 * some two-word), SKU prefixes and scanned barcodes.
 * Goal: search p95 ≤ 3 × the lookup's p95; also reported: p95 in ms (a keystroke budget is ~100 ms).
 */
import { sql } from 'kysely';
import { demoCatalog } from '../src/shared/demo/catalog.js';
import { createUser } from '../src/shared/use-cases/users.js';
import { benchEnv, report, spawnTs, stop, waitForHttp } from './lib.js';

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 10_000);
const PORT = process.env.BENCH_PORT ?? '21210';
const PAGE = 20;
const log = (msg: string) => process.stderr.write(`bench:search ${msg}\n`);

const bench = await benchEnv('search', { PORT, HOST: '127.0.0.1', RATE_LIMIT_ENABLED: 'false' });
const base = `http://127.0.0.1:${PORT}`;
let api: ReturnType<typeof spawnTs> | undefined;

/** Deterministic pseudo-random numbers (the same queries on every run). */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const stripAccents = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '');

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const round = (x: number) => Math.round(x * 100) / 100;

try {
  const db = bench.db;
  const catalog = demoCatalog();
  const baseNames = catalog.map((p) => p.name);
  const variants = ['clásico', 'light', 'familiar', 'económico', 'premium', 'sin TACC', 'orgánico', 'doble', 'pack x3', 'reducido en sodio', 'con vitaminas', 'edición especial'];
  log(`seeding ${PRODUCTS} products`);
  // A bench-only database: balances are written directly (no ledger), prices and costs set in the same statement.
  await sql`INSERT INTO locations (code, name) VALUES ('SALON', 'Salón'), ('DEPOSITO', 'Depósito')`.execute(db);
  await sql`
    INSERT INTO products (sku, barcode, name, category, unit, reorder_point, replacement_cost_cents, price_cents, iva_rate_pct)
    SELECT 'B' || lpad(i::text, 6, '0'), '779' || lpad(i::text, 10, '0'),
           (${baseNames}::text[])[1 + i % ${baseNames.length}] || ' ' || (${variants}::text[])[1 + (i / ${baseNames.length}) % ${variants.length}] || ' ' || i,
           'cat' || (i % 10), 'unit', (i % 7), 10000 + (i * 7919) % 900000, 15000 + (i * 7919) % 1300000, 21
      FROM generate_series(1, ${PRODUCTS}) AS i`.execute(db);
  await sql`
    INSERT INTO stock_levels (product_id, location_id, quantity)
    SELECT p.id, l.id, (p.id * 13 + l.id * 7) % 50 FROM products p CROSS JOIN locations l`.execute(db);
  await sql`VACUUM ANALYZE`.execute(db);

  const password = 'clave-de-medicion-123';
  await createUser(db, { username: 'bench', displayName: 'Bench', role: 'viewer', password });

  api = spawnTs('src/api/server.ts', bench.env);
  await waitForHttp(`${base}/health`);
  const signIn = await fetch(`${base}/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password }) });
  if (signIn.status !== 201) throw new Error(`sign-in answered ${signIn.status}`);
  const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;

  const random = prng(42);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
  const searches: string[] = [];
  for (let i = 0; i < 60; i++) {
    const name = pick(baseNames);
    const typed = i % 2 === 0 ? stripAccents(name).toLowerCase() : name;
    // Keystrokes: prefixes of the name up to 14 characters (two words for most names).
    for (let n = 1; n <= Math.min(14, typed.length); n++) if (typed[n - 1] !== ' ') searches.push(typed.slice(0, n));
  }
  for (let i = 0; i < 40; i++) searches.push(`779${String(1 + Math.floor(random() * PRODUCTS)).padStart(10, '0')}`); // scanned barcodes
  for (let i = 0; i < 40; i++) searches.push(`b${String(1 + Math.floor(random() * PRODUCTS)).padStart(6, '0').slice(0, 2 + (i % 4))}`); // SKU prefixes
  const lookups = searches.map(() => `B${String(1 + Math.floor(random() * PRODUCTS)).padStart(6, '0')}`);

  const timed = async (path: string) => {
    const start = process.hrtime.bigint();
    const res = await fetch(`${base}${path}`, { headers: { cookie } });
    const body = (await res.json()) as { items?: unknown[] };
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    return { ms, rows: body.items?.length ?? 1 };
  };

  log(`warming up`);
  for (let i = 0; i < 100; i++) {
    await timed(`/v1/products?q=${encodeURIComponent(searches[i % searches.length]!)}&limit=${PAGE}`);
    await timed(`/v1/products/${lookups[i]}`);
  }

  log(`timing ${searches.length} searches and as many lookups, interleaved`);
  const searchMs: number[] = [];
  const shortMs: number[] = [];
  const lookupMs: number[] = [];
  let emptySearches = 0;
  for (let i = 0; i < searches.length; i++) {
    const s = await timed(`/v1/products?q=${encodeURIComponent(searches[i]!)}&limit=${PAGE}`);
    searchMs.push(s.ms);
    if (searches[i]!.length <= 2) shortMs.push(s.ms);
    if (s.rows === 0) emptySearches++;
    lookupMs.push((await timed(`/v1/products/${lookups[i]}`)).ms);
  }

  const searchP95 = percentile(searchMs, 95);
  const lookupP95 = percentile(lookupMs, 95);
  const ratio = round(searchP95 / lookupP95);
  const metrics = {
    products: PRODUCTS,
    searches: searches.length,
    empty_searches: emptySearches,
    page_size: PAGE,
    search_p50_ms: round(percentile(searchMs, 50)),
    search_p95_ms: round(searchP95),
    search_p99_ms: round(percentile(searchMs, 99)),
    /** One or two typed characters: the widest matches (no trigram index helps). */
    short_search_p95_ms: round(percentile(shortMs, 95)),
    lookup_p50_ms: round(percentile(lookupMs, 50)),
    lookup_p95_ms: round(lookupP95),
    ratio_p95_vs_lookup: ratio,
  };
  report('search', metrics, { ratio_p95_vs_lookup: '<= 3', empty_searches: 0 }, ratio <= 3 && emptySearches === 0);
} finally {
  if (api) await stop(api);
  await bench.cleanup();
}
