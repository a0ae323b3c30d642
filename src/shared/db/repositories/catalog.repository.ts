import { sql } from 'kysely';
import type { Database, Unit } from '../database.js';
import { normalizeQuantity } from '../../domain/quantity.js';

export interface ProductView {
  sku: string;
  barcode: string | null;
  name: string;
  category: string;
  unit: Unit;
  reorderPoint: string;
  allowNegativeStock: boolean;
  onHand: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface ProductFilter {
  q?: string;
  barcode?: string;
  category?: string;
  belowReorderPoint?: boolean;
  afterId?: number;
  limit: number;
}

const onHand = sql<string>`coalesce((SELECT sum(s.quantity) FROM stock_levels s WHERE s.product_id = p.id), 0)`;

function toView(r: { sku: string; barcode: string | null; name: string; category: string; unit: Unit; reorder_point: string; allow_negative_stock: boolean; on_hand: string; created_at: Date; updated_at: Date }): ProductView {
  return {
    sku: r.sku,
    barcode: r.barcode,
    name: r.name,
    category: r.category,
    unit: r.unit,
    reorderPoint: normalizeQuantity(r.reorder_point),
    allowNegativeStock: r.allow_negative_stock,
    onHand: normalizeQuantity(r.on_hand),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function productQuery(db: Database) {
  return db
    .selectFrom('products as p')
    .select(['p.id', 'p.sku', 'p.barcode', 'p.name', 'p.category', 'p.unit', 'p.reorder_point', 'p.allow_negative_stock', 'p.created_at', 'p.updated_at', onHand.as('on_hand')]);
}

export async function listProducts(db: Database, f: ProductFilter): Promise<{ items: ProductView[]; lastId: number | null; more: boolean }> {
  let q = productQuery(db);
  if (f.q) {
    const text = f.q;
    q = q.where((eb) => eb.or([eb('p.name', 'ilike', `%${text.replace(/[\\%_]/g, '\\$&')}%`), eb('p.sku', '=', text), eb('p.barcode', '=', text)]));
  }
  if (f.barcode) q = q.where('p.barcode', '=', f.barcode);
  if (f.category) q = q.where('p.category', '=', f.category);
  if (f.belowReorderPoint) q = q.where(sql<boolean>`${onHand} < p.reorder_point`);
  if (f.afterId) q = q.where('p.id', '>', f.afterId);
  const rows = await q.orderBy('p.id').limit(f.limit + 1).execute();
  const page = rows.slice(0, f.limit);
  return { items: page.map(toView), lastId: page.at(-1)?.id ?? null, more: rows.length > f.limit };
}

export async function getProduct(db: Database, sku: string): Promise<ProductView | undefined> {
  const row = await productQuery(db).where('p.sku', '=', sku).executeTakeFirst();
  return row && toView(row);
}

export interface CatalogRefs {
  products: Map<string, { id: number; unit: Unit }>;
  locations: Map<string, number>;
}

/** Resolves SKUs and location codes in two queries (used by intake, for one movement or a batch). */
export async function resolveCatalogRefs(db: Database, skus: string[], codes: string[]): Promise<CatalogRefs> {
  const [products, locations] = await Promise.all([
    skus.length ? db.selectFrom('products').select(['id', 'sku', 'unit']).where('sku', 'in', [...new Set(skus)]).execute() : [],
    codes.length ? db.selectFrom('locations').select(['id', 'code']).where('code', 'in', [...new Set(codes)]).execute() : [],
  ]);
  return {
    products: new Map(products.map((p) => [p.sku, { id: p.id, unit: p.unit }])),
    locations: new Map(locations.map((l) => [l.code, l.id])),
  };
}
