import { sql } from 'kysely';
import type { Database } from '../database.js';
import type { Unit } from '../database.js';

/** Products without a supplier are grouped under this code in suggestions and drafts. */
export const NO_SUPPLIER = 'SIN-PROVEEDOR';

/** The newest day with reorder suggestions (for one location, or any). */
export async function latestSuggestionDay(db: Database, locationId?: number): Promise<string | undefined> {
  let q = db.selectFrom('reorder_suggestions').select(sql<string | null>`max(origin_day)::text`.as('day'));
  if (locationId !== undefined) q = q.where('location_id', '=', locationId);
  return (await q.executeTakeFirst())?.day ?? undefined;
}

/** The newest forecast run of a product (its model version and origin day). */
export async function latestForecastRun(db: Database, productId: number, locationId?: number): Promise<{ modelVersion: string; originDay: string } | undefined> {
  const row = await db
    .selectFrom('forecasts')
    .select(['model_version', sql<string>`origin_day::text`.as('origin_day')])
    .where('product_id', '=', productId)
    .$if(locationId !== undefined, (q) => q.where('location_id', '=', locationId!))
    .orderBy('origin_day', 'desc')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && { modelVersion: row.model_version, originDay: row.origin_day };
}

export interface ForecastDay {
  location: string;
  day: string;
  horizon: number;
  mean: string;
  p50: string;
  p90: string;
  method: string;
  productClass: string;
}

/** A run's forecasts of one product after its origin day, by location and day. */
export async function listForecastDays(db: Database, productId: number, run: { modelVersion: string; originDay: string }, locationId?: number): Promise<ForecastDay[]> {
  const rows = await db
    .selectFrom('forecasts as f')
    .innerJoin('locations as l', 'l.id', 'f.location_id')
    .select(['l.code as location', sql<string>`f.day::text`.as('day'), 'f.horizon', 'f.mean', 'f.p50', 'f.p90', 'f.method', 'f.product_class'])
    .where('f.product_id', '=', productId)
    .where('f.model_version', '=', run.modelVersion)
    .where('f.day', '>', run.originDay)
    .$if(locationId !== undefined, (q) => q.where('f.location_id', '=', locationId!))
    .orderBy('l.code')
    .orderBy('f.day')
    .execute();
  return rows.map((r) => ({ location: r.location, day: r.day, horizon: r.horizon, mean: r.mean, p50: r.p50, p90: r.p90, method: r.method, productClass: r.product_class }));
}

export interface SuggestionView {
  sku: string;
  name: string;
  unit: Unit;
  location: string;
  supplier: string;
  leadTimeDays: number;
  reviewPeriodDays: number;
  demand: string;
  safetyStock: string;
  onHand: string;
  onOrder: string;
  packSize: string;
  packs: number;
  quantity: string;
  modelVersion: string;
}

/** A day's reorder suggestions, by supplier and SKU; only those with packs to order unless `all`. */
export async function listSuggestions(db: Database, f: { day: string; locationId?: number; supplier?: string; all?: boolean }): Promise<SuggestionView[]> {
  const rows = await db
    .selectFrom('reorder_suggestions as r')
    .innerJoin('products as p', 'p.id', 'r.product_id')
    .innerJoin('locations as l', 'l.id', 'r.location_id')
    .select(['p.sku', 'p.name', 'p.unit', 'p.lead_time_days', 'p.review_period_days', 'l.code as location', 'r.supplier_code', 'r.demand', 'r.safety_stock', 'r.on_hand', 'r.on_order', 'r.pack_size', 'r.packs', 'r.quantity', 'r.model_version'])
    .where('r.origin_day', '=', f.day)
    .$if(f.locationId !== undefined, (q) => q.where('r.location_id', '=', f.locationId!))
    .$if(f.supplier !== undefined, (q) => (f.supplier === NO_SUPPLIER ? q.where('r.supplier_code', 'is', null) : q.where('r.supplier_code', '=', f.supplier!)))
    .$if(!f.all, (q) => q.where('r.packs', '>', 0))
    .orderBy('r.supplier_code')
    .orderBy('p.sku')
    .execute();
  return rows.map((r) => ({
    sku: r.sku,
    name: r.name,
    unit: r.unit,
    location: r.location,
    supplier: r.supplier_code ?? NO_SUPPLIER,
    leadTimeDays: r.lead_time_days,
    reviewPeriodDays: r.review_period_days,
    demand: r.demand,
    safetyStock: r.safety_stock,
    onHand: r.on_hand,
    onOrder: r.on_order,
    packSize: r.pack_size,
    packs: r.packs,
    quantity: r.quantity,
    modelVersion: r.model_version,
  }));
}

/** The newest 50 model versions, newest first, without their weights. */
export async function listModelVersions(db: Database) {
  const rows = await db
    .selectFrom('model_versions')
    .select(['version', 'kind', 'active', sql<string>`trained_from::text`.as('trained_from'), sql<string>`trained_through::text`.as('trained_through'), 'training_rows', 'training_ms', 'activation_reason', 'validation', 'serving_plan', 'created_at', 'activated_at', 'onnx_sha256', sql<number>`octet_length(onnx)`.as('onnx_bytes')])
    .orderBy('id', 'desc')
    .limit(50)
    .execute();
  return rows.map((r) => {
    const v = r.validation as { overall?: unknown; byClass?: unknown; bestBaseline?: string; parityMaxRelDiff?: number };
    return {
      version: r.version,
      kind: r.kind,
      active: r.active,
      trainedFrom: r.trained_from,
      trainedThrough: r.trained_through,
      trainingRows: r.training_rows,
      trainingMs: r.training_ms,
      activationReason: r.activation_reason,
      servingPlan: r.serving_plan,
      validation: { overall: v.overall, byClass: v.byClass, bestBaseline: v.bestBaseline, onnxParityMaxRelDiff: v.parityMaxRelDiff },
      onnxBytes: r.onnx_bytes,
      onnxSha256: r.onnx_sha256,
      createdAt: r.created_at,
      activatedAt: r.activated_at,
    };
  });
}

export interface DraftLine {
  sku: string;
  name: string;
  packs: number;
  quantity: string;
}

/** The lines of the given drafts, by SKU. */
export async function listDraftLines(db: Database, draftIds: number[]): Promise<Map<number, DraftLine[]>> {
  const out = new Map<number, DraftLine[]>(draftIds.map((id) => [id, []]));
  if (!draftIds.length) return out;
  const rows = await db
    .selectFrom('purchase_order_draft_lines as l')
    .innerJoin('products as p', 'p.id', 'l.product_id')
    .select(['l.draft_id', 'p.sku', 'p.name', 'l.packs', 'l.quantity'])
    .where('l.draft_id', 'in', draftIds)
    .orderBy('p.sku')
    .execute();
  for (const { draft_id, ...l } of rows) out.get(draft_id)!.push(l);
  return out;
}

/**
 * Units sold per day of a product (all locations or one) over the `days` days up to its last day
 * with sales, so a shop whose data stops (the demo) still shows its history. Undefined: no such product.
 */
export async function productSalesHistory(db: Database, sku: string, location: string | undefined, days: number) {
  const product = await db.selectFrom('products').select(['id', 'sku', 'name', 'unit']).where('sku', '=', sku).executeTakeFirst();
  if (!product) return undefined;
  const items = await db
    .selectFrom('daily_sales as d')
    .innerJoin('locations as l', 'l.id', 'd.location_id')
    .select([sql<string>`d.day::text`.as('day'), sql<string>`sum(d.quantity)::text`.as('quantity')])
    .where('d.product_id', '=', product.id)
    .$if(location !== undefined, (b) => b.where('l.code', '=', location!))
    .where(sql<boolean>`d.day > (SELECT max(x.day) FROM daily_sales x WHERE x.product_id = ${product.id}) - ${days}::int`)
    .groupBy('d.day')
    .orderBy('d.day')
    .execute();
  return { product, items };
}
