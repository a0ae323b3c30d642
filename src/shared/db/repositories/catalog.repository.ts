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

/**
 * What a person typed, as products.search_name holds names: lower case, accents removed (the
 * same result as PostgreSQL's unaccent for Spanish text: á→a, ñ→n, ü→u).
 */
export const searchText = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

const likeEscape = (s: string) => s.replace(/[\\%_]/g, '\\$&');

/**
 * Products, filtered. With `q` (search as you type) the rows are ranked: exact SKU or barcode,
 * then names starting with the query, SKU/barcode prefixes, names with a word starting with it,
 * then names containing every word (accents and case ignored: "azucar" finds "Azúcar"). One or
 * two characters match prefixes only.
 */
export async function listProducts(db: Database, f: ProductFilter): Promise<{ items: ProductView[]; lastId: number | null; more: boolean }> {
  let q = productQuery(db);
  let rank: ReturnType<typeof sql<number>> | undefined;
  let order: 'rank' | 'name' | 'id' = 'id';
  if (f.q) {
    const raw = f.q.trim();
    const typed = searchText(raw);
    if (typed.length < 3) {
      // The first keystrokes: name prefixes only, straight off the byte-order index (one page read).
      q = q.where(sql<boolean>`p.search_name COLLATE "C" LIKE ${`${likeEscape(typed)}%`}`);
      order = 'name';
    } else {
      const words = typed.split(/\s+/).filter(Boolean).map(likeEscape);
      const whole = likeEscape(raw.toLowerCase());
      const contains = sql.join(words.map((w) => sql`p.search_name LIKE ${`%${w}%`}`), sql` AND `);
      q = q.where(sql<boolean>`((${contains}) OR lower(p.sku) LIKE ${`%${whole}%`} OR p.barcode LIKE ${`${likeEscape(raw)}%`})`);
      rank = sql<number>`CASE
        WHEN p.sku = ${raw} OR p.barcode = ${raw} THEN 0
        WHEN p.search_name LIKE ${`${likeEscape(typed)}%`} THEN 1
        WHEN lower(p.sku) LIKE ${`${whole}%`} OR p.barcode LIKE ${`${likeEscape(raw)}%`} THEN 2
        WHEN p.search_name LIKE ${`% ${words[0]}%`} THEN 3
        ELSE 4 END`;
      order = 'rank';
    }
  }
  if (f.barcode) q = q.where('p.barcode', '=', f.barcode);
  if (f.category) q = q.where('p.category', '=', f.category);
  if (f.location) {
    const code = f.location;
    q = q.where(sql<boolean>`EXISTS (SELECT 1 FROM stock_levels s JOIN locations l ON l.id = s.location_id WHERE s.product_id = p.id AND l.code = ${code})`);
  }
  if (f.belowReorderPoint) q = q.where(sql<boolean>`${onHand} < p.reorder_point`);
  if (order !== 'id') {
    const offset = f.offset ?? 0;
    const ordered = rank ? q.orderBy(rank).orderBy('p.search_name') : q.orderBy(sql`p.search_name COLLATE "C"`);
    const rows = await ordered.orderBy('p.id').limit(f.limit + 1).offset(offset).execute();
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

export interface NewProduct {
  sku: string;
  name: string;
  category: string;
  unit: Unit;
  barcode: string | null;
  reorderPoint: string;
  allowNegativeStock: boolean;
}

/** Inserts a product; false when the SKU is taken. */
export async function createProduct(db: Database, p: NewProduct): Promise<boolean> {
  const row = await db
    .insertInto('products')
    .values({ sku: p.sku, name: p.name, category: p.category, unit: p.unit, barcode: p.barcode, reorder_point: p.reorderPoint, allow_negative_stock: p.allowNegativeStock })
    .onConflict((oc) => oc.column('sku').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export type ProductChange = Partial<Pick<NewProduct, 'name' | 'category' | 'barcode' | 'reorderPoint' | 'allowNegativeStock'>>;

/** Changes the given fields; false when there is no such product. */
export async function updateProduct(db: Database, sku: string, p: ProductChange): Promise<boolean> {
  const updated = await db
    .updateTable('products')
    .set({
      ...(p.name !== undefined && { name: p.name }),
      ...(p.category !== undefined && { category: p.category }),
      ...(p.barcode !== undefined && { barcode: p.barcode }),
      ...(p.reorderPoint !== undefined && { reorder_point: p.reorderPoint }),
      ...(p.allowNegativeStock !== undefined && { allow_negative_stock: p.allowNegativeStock }),
      updated_at: new Date(),
    })
    .where('sku', '=', sku)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) > 0;
}

export interface LocationView {
  code: string;
  name: string;
  createdAt: Date;
}

export async function listLocations(db: Database): Promise<LocationView[]> {
  const rows = await db.selectFrom('locations').select(['code', 'name', 'created_at']).orderBy('id').execute();
  return rows.map((l) => ({ code: l.code, name: l.name, createdAt: l.created_at }));
}

/** Inserts a location; undefined when the code is taken. */
export async function createLocation(db: Database, l: { code: string; name: string }): Promise<LocationView | undefined> {
  const row = await db.insertInto('locations').values(l).onConflict((oc) => oc.column('code').doNothing()).returning(['code', 'name', 'created_at']).executeTakeFirst();
  return row && { code: row.code, name: row.name, createdAt: row.created_at };
}

/** The id of a location by code, or undefined. */
export async function findLocationId(db: Database, code: string): Promise<number | undefined> {
  return (await db.selectFrom('locations').select('id').where('code', '=', code).executeTakeFirst())?.id;
}

/** The id of a product by SKU, or undefined. */
export async function findProductId(db: Database, sku: string): Promise<number | undefined> {
  return (await db.selectFrom('products').select('id').where('sku', '=', sku).executeTakeFirst())?.id;
}

/** Id, name and unit of a product by SKU, or undefined. */
export async function findProductSummary(db: Database, sku: string): Promise<{ id: number; sku: string; name: string; unit: Unit } | undefined> {
  return db.selectFrom('products').select(['id', 'sku', 'name', 'unit']).where('sku', '=', sku).executeTakeFirst();
}

/** SKU → product id for the SKUs that exist. */
export async function findProductIdsBySku(db: Database, skus: string[]): Promise<Map<string, number>> {
  if (!skus.length) return new Map();
  const rows = await db.selectFrom('products').select(['id', 'sku']).where('sku', 'in', skus).execute();
  return new Map(rows.map((r) => [r.sku, r.id]));
}

/** A product's editable columns as the audit trail records them (optionally locking the row). */
export async function readProductAuditColumns(db: Database, sku: string, { forUpdate = false } = {}) {
  const q = db.selectFrom('products').select(['name', 'category', 'barcode', 'reorder_point', 'allow_negative_stock']).where('sku', '=', sku);
  return (forUpdate ? q.forUpdate() : q).executeTakeFirst();
}
