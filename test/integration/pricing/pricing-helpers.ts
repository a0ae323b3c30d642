import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../../../src/shared/db/database.js';
import type { TestSystem } from '../../helpers/system.js';

/** Polls `check` every `intervalMs` until it returns a value (a guard against hanging, not a timing assertion). */
import { eventually } from '../../helpers/wait.js';

export { eventually };

export const uniq = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

export interface PricedProductSpec {
  category: string;
  count: number;
  /** Cost of the i-th product, in centavos. */
  cost?: (i: number) => number;
  iva?: (i: number) => string;
  internal?: (i: number) => string;
  unit?: (i: number) => 'unit' | 'kg' | 'l';
  price?: (i: number) => number | null;
}

/** Inserts `count` products of one category with costs and taxes in one statement; returns their ids in order. */
export async function insertPricedProducts(db: Database, spec: PricedProductSpec): Promise<number[]> {
  const n = spec.count;
  const idx = Array.from({ length: n }, (_, i) => i);
  const tag = randomBytes(3).toString('hex');
  const { rows } = await sql<{ id: number }>`
    INSERT INTO products (sku, name, category, unit, replacement_cost_cents, iva_rate_pct, internal_tax_pct, price_cents)
    SELECT v.sku, 'Producto ' || v.sku, ${spec.category}, v.unit, v.cost, v.iva, v.internal, v.price
      FROM unnest(${idx.map((i) => `${spec.category}-${tag}-${i}`)}::text[], ${idx.map((i) => spec.unit?.(i) ?? 'unit')}::text[],
                  ${idx.map((i) => spec.cost?.(i) ?? 50_000 + ((i * 7919) % 900_000))}::bigint[],
                  ${idx.map((i) => spec.iva?.(i) ?? ['21', '10.5', '27', '0'][i % 4]!)}::numeric[],
                  ${idx.map((i) => spec.internal?.(i) ?? (i % 10 === 0 ? '8' : '0'))}::numeric[],
                  ${idx.map((i) => spec.price?.(i) ?? null)}::bigint[]) WITH ORDINALITY AS v(sku, unit, cost, iva, internal, price, ord)
     ORDER BY v.ord
    RETURNING id`.execute(db);
  return rows.map((r) => Number(r.id));
}

/**
 * Waits until some session waits for a lock held by the backend `pid`. Asked through the pool,
 * outside any transaction: inside one, pg_stat_activity is a snapshot taken at its first read and
 * never shows a session that connected later (a worker's pool opening a connection, under load).
 */
export async function waitUntilBlockedBy(db: Database, pid: number, what: string): Promise<void> {
  await eventually(async () => {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE ${pid}::int = ANY(pg_blocking_pids(pid))`.execute(db);
    return rows[0]!.n > 0;
  }, what);
}

/** Waits until a job reaches a final state and returns its view from GET /v1/jobs. */
export async function waitForJob(sys: TestSystem, queue: string, id: string, timeoutMs = 90_000) {
  return eventually(async () => {
    const res = await sys.http(`/v1/jobs/${queue}/${id}`);
    return res.status === 200 && ['completed', 'failed'].includes(res.body.state) ? res.body : undefined;
  }, `job ${queue}/${id}`, timeoutMs);
}
