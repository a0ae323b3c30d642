import { sql, type Transaction } from 'kysely';
import type { DB, Database } from '../database.js';
import { withTransaction } from '../transaction.js';

/** The shop's calendar: a sale belongs to the local day it happened on. */
export const SHOP_TIME_ZONE = 'America/Argentina/Buenos_Aires';
const DAILY_SALES_WATERMARK = 'daily_sales';
/**
 * Ledger ids are taken before commit, so a slow transaction can commit an id below the
 * watermark. Each refresh re-reads this many ids behind it; rebuilding a key is idempotent.
 */
export const WATERMARK_OVERLAP = 10_000;

export interface RefreshResult {
  keys: number;
  lastMovementId: number;
}

/**
 * Brings `daily_sales` up to date with the ledger incrementally: finds the (product, location,
 * day) keys of sale movements after the watermark (minus the overlap) and rebuilds only those
 * keys from the ledger. Concurrent refreshes serialize on the watermark row.
 */
export async function refreshDailySales(db: Database, overlap = WATERMARK_OVERLAP): Promise<RefreshResult> {
  return withTransaction(db, async (trx) => {
    await trx.insertInto('forecast_watermarks').values({ name: DAILY_SALES_WATERMARK }).onConflict((oc) => oc.column('name').doNothing()).execute();
    const wm = await trx.selectFrom('forecast_watermarks').select('last_movement_id').where('name', '=', DAILY_SALES_WATERMARK).forUpdate().executeTakeFirstOrThrow();
    const max = await trx.selectFrom('stock_movements').select(sql<number | null>`max(id)`.as('max')).executeTakeFirstOrThrow();
    const upTo = Number(max.max ?? 0);
    const from = Math.max(0, Number(wm.last_movement_id) - overlap);
    const result = await sql<{ n: number }>`
      WITH touched AS (
        SELECT DISTINCT product_id, location_id, (occurred_at AT TIME ZONE ${SHOP_TIME_ZONE})::date AS day
        FROM stock_movements
        WHERE id > ${from} AND id <= ${upTo} AND type = 'sale'
      ), sums AS (
        -- An equi-join on the shop day (a range join per key made a first full refresh of a year,
        -- ~40k sales, take 12–20 s); the lower bound lets an incremental refresh read recent days only.
        SELECT t.product_id, t.location_id, t.day, -sum(m.quantity) AS quantity
        FROM stock_movements m
        JOIN touched t
          ON t.product_id = m.product_id AND t.location_id = m.location_id
         AND t.day = (m.occurred_at AT TIME ZONE ${SHOP_TIME_ZONE})::date
        WHERE m.type = 'sale'
          AND m.occurred_at >= ((SELECT min(day) FROM touched)::timestamp AT TIME ZONE ${SHOP_TIME_ZONE})
        GROUP BY t.product_id, t.location_id, t.day
      ), upserted AS (
        INSERT INTO daily_sales (product_id, location_id, day, quantity)
        SELECT product_id, location_id, day, quantity FROM sums
        ON CONFLICT (product_id, location_id, day) DO UPDATE SET quantity = EXCLUDED.quantity
        RETURNING 1
      )
      SELECT count(*)::int AS n FROM upserted`.execute(trx);
    await trx.updateTable('forecast_watermarks').set({ last_movement_id: Math.max(upTo, Number(wm.last_movement_id)), updated_at: new Date() }).where('name', '=', DAILY_SALES_WATERMARK).execute();
    return { keys: result.rows[0]?.n ?? 0, lastMovementId: upTo };
  });
}

/** A product at a location that has sold in the window, with what reorder needs. */
export interface ForecastTarget {
  productId: number;
  locationId: number;
  sku: string;
  category: string;
  unit: string;
  supplierCode: string | null;
  packSize: number;
  leadTimeDays: number;
  reviewPeriodDays: number;
}

/** Product/location pairs with any sale between `fromDay` and `toDay`, in a stable order. */
export async function listForecastTargets(db: Database, fromDay: string, toDay: string, productIds?: number[]): Promise<ForecastTarget[]> {
  let q = db
    .selectFrom('daily_sales as s')
    .innerJoin('products as p', 'p.id', 's.product_id')
    .select(['s.product_id', 's.location_id', 'p.sku', 'p.category', 'p.unit', 'p.supplier_code', 'p.supplier_pack_size', 'p.lead_time_days', 'p.review_period_days'])
    .where('s.day', '>=', fromDay)
    .where('s.day', '<=', toDay)
    .groupBy(['s.product_id', 's.location_id', 'p.id'])
    .orderBy('s.location_id')
    .orderBy('s.product_id');
  if (productIds) q = q.where('s.product_id', 'in', productIds.length ? productIds : [-1]);
  const rows = await q.execute();
  return rows.map((r) => ({
    productId: r.product_id,
    locationId: r.location_id,
    sku: r.sku,
    category: r.category,
    unit: r.unit,
    supplierCode: r.supplier_code,
    packSize: Number(r.supplier_pack_size),
    leadTimeDays: r.lead_time_days,
    reviewPeriodDays: r.review_period_days,
  }));
}

/**
 * Daily quantities for each target from `fromDay` (index 0) to `toDay`, zeros on days without
 * sales. Keyed `${productId}:${locationId}`.
 */
export async function loadDailySales(
  db: Database,
  targets: readonly Pick<ForecastTarget, 'productId' | 'locationId'>[],
  fromDay: string,
  toDay: string,
): Promise<Map<string, Float64Array>> {
  const days = Math.round((Date.parse(`${toDay}T00:00:00Z`) - Date.parse(`${fromDay}T00:00:00Z`)) / 86_400_000) + 1;
  const out = new Map<string, Float64Array>();
  for (const t of targets) out.set(`${t.productId}:${t.locationId}`, new Float64Array(days));
  if (targets.length === 0) return out;
  const productIds = [...new Set(targets.map((t) => t.productId))];
  const rows = await db
    .selectFrom('daily_sales')
    .select(['product_id', 'location_id', sql<number>`(day - ${fromDay}::date)`.as('offset'), 'quantity'])
    .where('product_id', 'in', productIds)
    .where('day', '>=', fromDay)
    .where('day', '<=', toDay)
    .execute();
  for (const r of rows) {
    const series = out.get(`${r.product_id}:${r.location_id}`);
    if (series) series[Number(r.offset)] = Number(r.quantity);
  }
  return out;
}

/** Stock on hand and on order (drafts marked `ordered`) per `${productId}:${locationId}`. */
export async function loadStockPositions(db: Database, targets: readonly Pick<ForecastTarget, 'productId' | 'locationId'>[]): Promise<Map<string, { onHand: number; onOrder: number }>> {
  const out = new Map<string, { onHand: number; onOrder: number }>();
  for (const t of targets) out.set(`${t.productId}:${t.locationId}`, { onHand: 0, onOrder: 0 });
  if (targets.length === 0) return out;
  const productIds = [...new Set(targets.map((t) => t.productId))];
  const levels = await db.selectFrom('stock_levels').select(['product_id', 'location_id', 'quantity']).where('product_id', 'in', productIds).execute();
  for (const l of levels) {
    const p = out.get(`${l.product_id}:${l.location_id}`);
    if (p) p.onHand = Number(l.quantity);
  }
  const ordered = await db
    .selectFrom('purchase_order_draft_lines as l')
    .innerJoin('purchase_order_drafts as d', 'd.id', 'l.draft_id')
    .select(['l.product_id', 'd.location_id', sql<string>`sum(l.quantity)`.as('quantity')])
    .where('d.status', '=', 'ordered')
    .where('l.product_id', 'in', productIds)
    .groupBy(['l.product_id', 'd.location_id'])
    .execute();
  for (const o of ordered) {
    const p = out.get(`${o.product_id}:${o.location_id}`);
    if (p) p.onOrder = Number(o.quantity);
  }
  return out;
}

export type ModelVersionRow = Awaited<ReturnType<typeof getActiveModelVersion>>;

export async function getActiveModelVersion(db: Database) {
  return db.selectFrom('model_versions').selectAll().where('active', '=', true).executeTakeFirst();
}

export async function getModelVersion(db: Database, version: string) {
  return db.selectFrom('model_versions').selectAll().where('version', '=', version).executeTakeFirst();
}

/** Makes `version` the only active model version. */
export async function activateModelVersion(trx: Transaction<DB>, version: string): Promise<void> {
  await trx.updateTable('model_versions').set({ active: false }).where('active', '=', true).where('version', '<>', version).execute();
  await trx.updateTable('model_versions').set({ active: true, activated_at: new Date() }).where('version', '=', version).where('active', '=', false).execute();
}

/**
 * WAPE of a model version's stored forecasts (made at least one day ahead) against the sales
 * that happened, over the days in [fromDay, toDay]. Undefined without actuals to compare.
 */
export async function recentWape(db: Database, modelVersion: string, fromDay: string, toDay: string): Promise<number | undefined> {
  const row = await sql<{ abs_error: string | null; actual: string | null; n: number }>`
    SELECT sum(abs(f.mean - coalesce(s.quantity, 0))) AS abs_error, sum(coalesce(s.quantity, 0)) AS actual, count(*)::int AS n
    FROM forecasts f
    LEFT JOIN daily_sales s ON s.product_id = f.product_id AND s.location_id = f.location_id AND s.day = f.day
    WHERE f.model_version = ${modelVersion} AND f.day BETWEEN ${fromDay}::date AND ${toDay}::date`.execute(db);
  const r = row.rows[0];
  if (!r || r.n === 0 || !(Number(r.actual) > 0)) return undefined;
  return Number(r.abs_error) / Number(r.actual);
}
