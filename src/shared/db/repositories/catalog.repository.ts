import { sql } from 'kysely';
import type { Database, Unit } from '../database.js';
import { formatMoney, normalizeQuantity, parseQuantity } from '../../domain/quantity.js';
import { marginBp } from '../../domain/pricing/price.js';
import { formatPercent, percentColumnBp } from '../../domain/pricing/rates.js';

export interface ProductView {
  sku: string;
  barcode: string | null;
  name: string;
  category: string;
  unit: Unit;
  reorderPoint: string;
  allowNegativeStock: boolean;
  /** Σ over locations. */
  onHand: string;
  /** Balance per location (only locations that ever had a movement of it). */
  stock: { location: string; quantity: string }[];
  belowReorderPoint: boolean;
  /** Shelf price and replacement cost (net of taxes) in pesos, decimal strings; margin in percent of the price net of national taxes. */
  price: string | null;
  replacementCost: string | null;
  marginPct: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ProductFilter {
  q?: string;
  barcode?: string;
  category?: string;
  /** Only products with a balance row at this location code. */
  location?: string;
  belowReorderPoint?: boolean;
  afterId?: number;
  /** With `q`: rows to skip (ranked results page by offset). */
  offset?: number;
  limit: number;
}

const onHand = sql<string>`coalesce((SELECT sum(s.quantity) FROM stock_levels s WHERE s.product_id = p.id), 0)`;
const stockByLocation = sql<{ location: string; quantity: string }[]>`coalesce((
  SELECT json_agg(json_build_object('location', l.code, 'quantity', s.quantity::text) ORDER BY l.code)
    FROM stock_levels s JOIN locations l ON l.id = s.location_id WHERE s.product_id = p.id), '[]'::json)`;

function productQuery(db: Database) {
  return db
    .selectFrom('products as p')
    .select([
      'p.id', 'p.sku', 'p.barcode', 'p.name', 'p.category', 'p.unit', 'p.reorder_point', 'p.allow_negative_stock', 'p.created_at', 'p.updated_at',
      'p.price_cents', 'p.replacement_cost_cents', 'p.iva_rate_pct', 'p.internal_tax_pct', onHand.as('on_hand'), stockByLocation.as('stock'),
    ]);
}

type ProductRow = Awaited<ReturnType<ReturnType<typeof productQuery>['executeTakeFirstOrThrow']>>;

function toView(r: ProductRow): ProductView {
  const margin = r.replacement_cost_cents === null ? null : marginBp(r.price_cents, r.replacement_cost_cents, percentColumnBp(r.iva_rate_pct), percentColumnBp(r.internal_tax_pct));
  const held = parseQuantity(r.on_hand)!;
  const reorder = parseQuantity(r.reorder_point)!;
  return {
    sku: r.sku,
    barcode: r.barcode,
    name: r.name,
    category: r.category,
    unit: r.unit,
    reorderPoint: normalizeQuantity(r.reorder_point),
    allowNegativeStock: r.allow_negative_stock,
    onHand: normalizeQuantity(r.on_hand),
    stock: r.stock.map((s) => ({ location: s.location, quantity: normalizeQuantity(s.quantity) })),
    belowReorderPoint: held < reorder,
    price: r.price_cents === null ? null : formatMoney(r.price_cents),
    replacementCost: r.replacement_cost_cents === null ? null : formatMoney(r.replacement_cost_cents),
    marginPct: margin === null ? null : formatPercent(margin),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, '\\$&');

/**
 * Products, filtered. With `q` (search as you type) the rows are ranked: exact SKU or barcode,
 * then names starting with the query, SKU/barcode prefixes, names with a word starting with it,
 * then names containing every word (accents and case ignored: "azucar" finds "Azúcar").
 */
export async function listProducts(db: Database, f: ProductFilter): Promise<{ items: ProductView[]; lastId: number | null; more: boolean }> {
  let q = productQuery(db);
  let rank: ReturnType<typeof sql<number>> | undefined;
  if (f.q) {
    const raw = f.q.trim();
    const words = raw.split(/\s+/).filter(Boolean).map(likeEscape);
    const whole = likeEscape(raw);
    const norm = (s: string) => sql`lower(unaccent(${s}))`;
    const contains = sql.join(words.map((w) => sql`p.search_name LIKE '%' || ${norm(w)} || '%'`), sql` AND `);
    q = q.where(sql<boolean>`((${contains}) OR lower(p.sku) LIKE '%' || lower(${whole}) || '%' OR p.barcode LIKE ${whole} || '%')`);
    rank = sql<number>`CASE
      WHEN p.sku = ${raw} OR p.barcode = ${raw} THEN 0
      WHEN p.search_name LIKE ${norm(whole)} || '%' THEN 1
      WHEN lower(p.sku) LIKE lower(${whole}) || '%' OR p.barcode LIKE ${whole} || '%' THEN 2
      WHEN p.search_name LIKE '% ' || ${norm(words[0]!)} || '%' THEN 3
      ELSE 4 END`;
  }
  if (f.barcode) q = q.where('p.barcode', '=', f.barcode);
  if (f.category) q = q.where('p.category', '=', f.category);
  if (f.location) {
    const code = f.location;
    q = q.where(sql<boolean>`EXISTS (SELECT 1 FROM stock_levels s JOIN locations l ON l.id = s.location_id WHERE s.product_id = p.id AND l.code = ${code})`);
  }
  if (f.belowReorderPoint) q = q.where(sql<boolean>`${onHand} < p.reorder_point`);
  if (rank) {
    const offset = f.offset ?? 0;
    const rows = await q.orderBy(rank).orderBy('p.search_name').orderBy('p.id').limit(f.limit + 1).offset(offset).execute();
    const page = rows.slice(0, f.limit);
    return { items: page.map(toView), lastId: offset + page.length, more: rows.length > f.limit };
  }
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
