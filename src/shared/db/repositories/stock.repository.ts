import { sql } from 'kysely';
import type { Database } from '../database.js';
import { normalizeQuantity } from '../../domain/quantity.js';
import { withTransaction } from '../transaction.js';

export interface StockFilter {
  sku?: string;
  location?: string;
  category?: string;
  belowReorderPoint?: boolean;
  afterKey?: number;
  limit: number;
}

/** Balances per (product, location); paginated by a synthetic key over (product, location). */
export async function listStock(db: Database, f: StockFilter) {
  let q = db
    .selectFrom('stock_levels as s')
    .innerJoin('products as p', 'p.id', 's.product_id')
    .innerJoin('locations as l', 'l.id', 's.location_id')
    .select(['s.product_id', 's.location_id', 'p.sku', 'p.name', 'p.unit', 'p.category', 'p.reorder_point', 'l.code as location', 's.quantity', 's.updated_at']);
  if (f.sku) q = q.where('p.sku', '=', f.sku);
  if (f.location) q = q.where('l.code', '=', f.location);
  if (f.category) q = q.where('p.category', '=', f.category);
  if (f.belowReorderPoint) q = q.whereRef('s.quantity', '<', 'p.reorder_point');
  // Cursor: product_id * 2^20 + location_id, monotone in the sort order below.
  if (f.afterKey !== undefined) q = q.where(sql<boolean>`(s.product_id * 1048576 + s.location_id) > ${f.afterKey}`);
  const rows = await q.orderBy('s.product_id').orderBy('s.location_id').limit(f.limit + 1).execute();
  const page = rows.slice(0, f.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      sku: r.sku,
      name: r.name,
      category: r.category,
      unit: r.unit,
      location: r.location,
      quantity: normalizeQuantity(r.quantity),
      reorderPoint: normalizeQuantity(r.reorder_point),
      updatedAt: r.updated_at,
    })),
    lastKey: last ? last.product_id * 1048576 + last.location_id : null,
    more: rows.length > f.limit,
  };
}

export interface IntegrityReport {
  ok: boolean;
  checked: number;
  mismatches: { sku: string; location: string; balance: string; ledger: string }[];
}

/**
 * The ledger invariant: every balance equals the sum of its ledger rows. Both reads run in one
 * repeatable-read snapshot, so a concurrent commit cannot show up as a false mismatch.
 */
export async function checkIntegrity(db: Database, limit = 1000): Promise<IntegrityReport> {
  return withTransaction(db, async (trx) => {
    const { rows } = await sql<{ sku: string; location: string; balance: string; ledger: string }>`
      WITH sums AS (
        SELECT product_id, location_id, sum(quantity) AS total FROM stock_movements GROUP BY product_id, location_id
      )
      SELECT p.sku, l.code AS location, coalesce(s.quantity, 0)::text AS balance, coalesce(m.total, 0)::text AS ledger
        FROM stock_levels s
        FULL JOIN sums m ON m.product_id = s.product_id AND m.location_id = s.location_id
        JOIN products p ON p.id = coalesce(s.product_id, m.product_id)
        JOIN locations l ON l.id = coalesce(s.location_id, m.location_id)
       WHERE coalesce(s.quantity, 0) <> coalesce(m.total, 0)
       ORDER BY p.sku, l.code
       LIMIT ${limit}`.execute(trx);
    const { rows: count } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM stock_levels`.execute(trx);
    const mismatches = rows.map((r) => ({ sku: r.sku, location: r.location, balance: normalizeQuantity(r.balance), ledger: normalizeQuantity(r.ledger) }));
    return { ok: mismatches.length === 0, checked: count[0]?.n ?? 0, mismatches };
  }, { isolation: 'repeatable read', readOnly: true });
}
