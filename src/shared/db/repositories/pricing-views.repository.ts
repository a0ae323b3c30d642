import { sql } from 'kysely';
import type { Unit, Database } from '../database.js';
import { marginBp, taxBreakdown, unitPrice } from '../../domain/pricing/price.js';
import { formatPercent, percentColumnBp } from '../../domain/pricing/rates.js';
import { formatMoney, normalizeQuantity, parseQuantity } from '../../domain/quantity.js';
import { costAlertsRecorded, inflationBaseline, inflationMonthlyChange, inflationRateAnomaly, productsSellingAtLoss } from '../../metrics.js';
import { summarizeIndex } from './pricing-index.repository.js';
import { DEFAULT_RULE_CATEGORY } from './pricing-rules.repository.js';

const money = (c: number | null) => (c === null ? null : formatMoney(c));

/** The minimum margin (percent) of a product's rule: its category's, else the default. */
const minMarginPct = sql<string>`coalesce((SELECT r.min_margin_pct FROM pricing_rules r WHERE r.category = p.category),
                                          (SELECT r.min_margin_pct FROM pricing_rules r WHERE r.category = ${DEFAULT_RULE_CATEGORY}))`;
/** price × (1 − m) < cost × (1 + taxes): the price net of national taxes is below the minimum margin. */
const belowMinimum = sql<boolean>`(p.price_cents * (100 - ${minMarginPct}) < p.replacement_cost_cents * (100 + p.iva_rate_pct + p.internal_tax_pct))`;

export interface ProductPricingView {
  sku: string;
  name: string;
  category: string;
  unit: Unit;
  replacementCost: string | null;
  ivaRatePct: string;
  internalTaxPct: string;
  price: string | null;
  priceWithoutNationalTaxes: string | null;
  ivaContained: string | null;
  internalTaxesContained: string | null;
  unitPrice: { price: string; per: 'kg' | 'l' } | null;
  netContent: { quantity: string; unit: 'kg' | 'l' } | null;
  marginPct: string | null;
  minMarginPct: string;
  belowMinimumMargin: boolean;
  costUpdatedAt: Date | null;
  priceUpdatedAt: Date | null;
}

function pricingQuery(db: Database) {
  return db
    .selectFrom('products as p')
    .select([
      'p.id', 'p.sku', 'p.name', 'p.category', 'p.unit', 'p.replacement_cost_cents', 'p.iva_rate_pct', 'p.internal_tax_pct', 'p.price_cents',
      'p.net_content', 'p.net_content_unit', 'p.cost_updated_at', 'p.price_updated_at', minMarginPct.as('min_margin_pct'),
    ]);
}

type PricingRow = Awaited<ReturnType<ReturnType<typeof pricingQuery>['executeTakeFirstOrThrow']>>;

function toPricingView(r: PricingRow): ProductPricingView {
  const ivaBp = percentColumnBp(r.iva_rate_pct);
  const internalBp = percentColumnBp(r.internal_tax_pct);
  const taxes = r.price_cents === null ? null : taxBreakdown(r.price_cents, ivaBp, internalBp);
  const content = r.net_content === null ? null : parseQuantity(r.net_content)!;
  const perUnit = r.price_cents === null ? null : unitPrice(r.price_cents, r.unit, content, r.net_content_unit);
  const margin = r.replacement_cost_cents === null ? null : marginBp(r.price_cents, r.replacement_cost_cents, ivaBp, internalBp);
  const minBp = percentColumnBp(r.min_margin_pct);
  return {
    sku: r.sku,
    name: r.name,
    category: r.category,
    unit: r.unit,
    replacementCost: money(r.replacement_cost_cents),
    ivaRatePct: formatPercent(ivaBp),
    internalTaxPct: formatPercent(internalBp),
    price: money(r.price_cents),
    priceWithoutNationalTaxes: taxes && formatMoney(taxes.withoutNationalTaxesCents),
    ivaContained: taxes && formatMoney(taxes.ivaCents),
    internalTaxesContained: taxes && formatMoney(taxes.internalTaxesCents),
    unitPrice: perUnit && { price: formatMoney(perUnit.cents), per: perUnit.per },
    netContent: r.net_content === null || r.net_content_unit === null ? null : { quantity: normalizeQuantity(r.net_content), unit: r.net_content_unit },
    marginPct: margin === null ? null : formatPercent(margin),
    minMarginPct: formatPercent(minBp),
    belowMinimumMargin: margin !== null && margin < minBp,
    costUpdatedAt: r.cost_updated_at,
    priceUpdatedAt: r.price_updated_at,
  };
}

export async function getProductPricing(db: Database, sku: string): Promise<(ProductPricingView & { id: number }) | undefined> {
  const row = await pricingQuery(db).where('p.sku', '=', sku).executeTakeFirst();
  return row && { id: row.id, ...toPricingView(row) };
}

export interface MarginFilter {
  category?: string;
  belowMinimum?: boolean;
  afterId?: number;
  limit: number;
}

/** Current margin per priced product (cursor on product id) and a summary per category. */
export async function listMargins(db: Database, f: MarginFilter) {
  let q = pricingQuery(db).where('p.price_cents', 'is not', null).where('p.replacement_cost_cents', 'is not', null);
  if (f.category) q = q.where('p.category', '=', f.category);
  if (f.belowMinimum !== undefined) q = q.where(f.belowMinimum ? belowMinimum : sql<boolean>`NOT ${belowMinimum}`);
  if (f.afterId) q = q.where('p.id', '>', f.afterId);
  const rows = await q.orderBy('p.id').limit(f.limit + 1).execute();
  const page = rows.slice(0, f.limit);

  const { rows: categories } = await sql<{ category: string; products: number; net: string; cost: string; below: number; min_margin_pct: string }>`
    SELECT p.category, count(*)::int AS products,
           sum(p.price_cents * 100 / (100 + p.iva_rate_pct + p.internal_tax_pct)) AS net,
           sum(p.replacement_cost_cents) AS cost,
           count(*) FILTER (WHERE ${belowMinimum})::int AS below,
           min(${minMarginPct}) AS min_margin_pct
      FROM products p
     WHERE p.price_cents IS NOT NULL AND p.replacement_cost_cents IS NOT NULL ${f.category ? sql`AND p.category = ${f.category}` : sql``}
     GROUP BY p.category ORDER BY p.category`.execute(db);

  return {
    items: page.map((r) => {
      const v = toPricingView(r);
      return { sku: v.sku, name: v.name, category: v.category, replacementCost: v.replacementCost, price: v.price, priceWithoutNationalTaxes: v.priceWithoutNationalTaxes, marginPct: v.marginPct, minMarginPct: v.minMarginPct, belowMinimumMargin: v.belowMinimumMargin };
    }),
    categories: categories.map((c) => {
      const net = Number(c.net);
      return {
        category: c.category,
        products: c.products,
        // A weighted margin: Σ(net − cost) / Σ net, shown with two decimals.
        marginPct: net > 0 ? ((100 * (net - Number(c.cost))) / net).toFixed(2) : null,
        minMarginPct: formatPercent(percentColumnBp(c.min_margin_pct)),
        belowMinimum: c.below,
      };
    }),
    lastId: page.at(-1)?.id ?? null,
    more: rows.length > f.limit,
  };
}

export interface PriceHistoryItem {
  id: number;
  runId: string;
  oldPrice: string | null;
  newPrice: string;
  cost: string;
  reason: string;
  ruleCategory: string | null;
  priceWithoutNationalTaxes: string;
  changedAt: Date;
}

/** A product's price changes, newest first, cursor on the history id. */
export async function listPriceHistory(db: Database, productId: number, f: { beforeId?: number; limit: number }) {
  let q = db
    .selectFrom('price_history as h')
    .leftJoin('pricing_rules as r', 'r.id', 'h.rule_id')
    .select(['h.id', 'h.run_id', 'h.old_price_cents', 'h.new_price_cents', 'h.cost_cents', 'h.reason', 'r.category', 'h.without_national_taxes_cents', 'h.changed_at'])
    .where('h.product_id', '=', productId);
  if (f.beforeId) q = q.where('h.id', '<', f.beforeId);
  const rows = await q.orderBy('h.id', 'desc').limit(f.limit + 1).execute();
  const page = rows.slice(0, f.limit);
  return {
    items: page.map(
      (r): PriceHistoryItem => ({
        id: r.id,
        runId: r.run_id,
        oldPrice: money(r.old_price_cents),
        newPrice: formatMoney(r.new_price_cents),
        cost: formatMoney(r.cost_cents),
        reason: r.reason,
        ruleCategory: r.category === null ? null : r.category === DEFAULT_RULE_CATEGORY ? 'default' : r.category,
        priceWithoutNationalTaxes: formatMoney(r.without_national_taxes_cents),
        changedAt: r.changed_at,
      }),
    ),
    lastId: page.at(-1)?.id ?? null,
    more: rows.length > f.limit,
  };
}

export interface LabelBatchView {
  id: number;
  runId: string;
  reason: string;
  trigger: string;
  productCount: number;
  createdAt: Date;
}

function batchQuery(db: Database) {
  return db
    .selectFrom('label_batches as b')
    .innerJoin('price_runs as r', 'r.id', 'b.run_id')
    .select(['b.id', 'b.run_id', 'r.reason', 'r.trigger', 'b.product_count', 'b.created_at']);
}

const toBatchView = (r: { id: number; run_id: string; reason: string; trigger: string; product_count: number; created_at: Date }): LabelBatchView => ({
  id: r.id,
  runId: r.run_id,
  reason: r.reason,
  trigger: r.trigger,
  productCount: r.product_count,
  createdAt: r.created_at,
});

/** Label batches, newest first, cursor on the batch id. */
export async function listLabelBatches(db: Database, f: { beforeId?: number; limit: number }) {
  let q = batchQuery(db);
  if (f.beforeId) q = q.where('b.id', '<', f.beforeId);
  const rows = await q.orderBy('b.id', 'desc').limit(f.limit + 1).execute();
  const page = rows.slice(0, f.limit);
  return { items: page.map(toBatchView), lastId: page.at(-1)?.id ?? null, more: rows.length > f.limit };
}

export async function getLabelBatch(db: Database, id: number): Promise<LabelBatchView | undefined> {
  const row = await batchQuery(db).where('b.id', '=', id).executeTakeFirst();
  return row && toBatchView(row);
}

/** One shelf label (Ley 27.743: final price, taxes contained, price without national taxes, unit price). */
export interface LabelItem {
  sku: string;
  barcode: string | null;
  name: string;
  unit: Unit;
  price: string;
  priceWithoutNationalTaxes: string;
  ivaContained: string;
  internalTaxesContained: string;
  unitPrice: string | null;
  unitPricePer: 'kg' | 'l' | null;
  previousPrice: string | null;
  changedAt: Date;
}

/** The labels of a batch in product order; cursor on the product id. */
export async function listLabelItems(db: Database, runId: string, f: { afterProductId?: number; limit: number }) {
  let q = db
    .selectFrom('price_history as h')
    .innerJoin('products as p', 'p.id', 'h.product_id')
    .select(['p.id', 'p.sku', 'p.barcode', 'p.name', 'p.unit', 'h.new_price_cents', 'h.without_national_taxes_cents', 'h.iva_cents', 'h.internal_taxes_cents', 'h.unit_price_cents', 'h.unit_price_per', 'h.old_price_cents', 'h.changed_at'])
    .where('h.run_id', '=', runId);
  if (f.afterProductId) q = q.where('h.product_id', '>', f.afterProductId);
  const rows = await q.orderBy('h.product_id').limit(f.limit + 1).execute();
  const page = rows.slice(0, f.limit);
  return {
    items: page.map(
      (r): LabelItem => ({
        sku: r.sku,
        barcode: r.barcode,
        name: r.name,
        unit: r.unit,
        price: formatMoney(r.new_price_cents),
        priceWithoutNationalTaxes: formatMoney(r.without_national_taxes_cents),
        ivaContained: formatMoney(r.iva_cents),
        internalTaxesContained: formatMoney(r.internal_taxes_cents),
        unitPrice: money(r.unit_price_cents),
        unitPricePer: r.unit_price_per,
        previousPrice: money(r.old_price_cents),
        changedAt: r.changed_at,
      }),
    ),
    lastProductId: page.at(-1)?.id ?? null,
    more: rows.length > f.limit,
  };
}

/** Sets the scrape-time pricing gauges from the database (api process only). */
export async function collectPricingGauges(db: Database): Promise<void> {
  const [summary, bands, loss] = await Promise.all([
    summarizeIndex(db),
    db.selectFrom('cost_alerts').select([sql<string>`coalesce(band_pct::text, 'none')`.as('band'), sql<number>`count(*)::int`.as('n')]).groupBy('band_pct').execute(),
    sql<{ n: number }>`SELECT count(*)::int AS n FROM products p
                        WHERE p.price_cents IS NOT NULL AND p.replacement_cost_cents * (100 + p.iva_rate_pct + p.internal_tax_pct) > p.price_cents * 100`.execute(db),
  ]);
  for (const [series, s] of Object.entries(summary)) {
    if (s.latest) inflationMonthlyChange.set({ series }, s.latest.rateBp / 10_000);
    if (s.trailing12mMeanBp !== null) inflationBaseline.set({ series }, s.trailing12mMeanBp / 10_000);
    inflationRateAnomaly.set({ series }, s.anomaly ? 1 : 0);
  }
  costAlertsRecorded.reset();
  for (const b of bands) costAlertsRecorded.set({ band: b.band }, b.n);
  productsSellingAtLoss.set(loss.rows[0]?.n ?? 0);
}

export interface TaxChange {
  ivaRatePct?: string;
  internalTaxPct?: string;
  netContent?: { quantity: string; unit: 'kg' | 'l' } | null;
}

/** Sets a product's tax rates and net content in the caller's transaction (nothing to set: no write). */
export async function updateProductTaxes(trx: Database, productId: number, c: TaxChange): Promise<void> {
  const set = {
    ...(c.ivaRatePct !== undefined && { iva_rate_pct: c.ivaRatePct }),
    ...(c.internalTaxPct !== undefined && { internal_tax_pct: c.internalTaxPct }),
    ...(c.netContent !== undefined && { net_content: c.netContent?.quantity ?? null, net_content_unit: c.netContent?.unit ?? null }),
  };
  if (Object.keys(set).length) await trx.updateTable('products').set({ ...set, updated_at: new Date() }).where('id', '=', productId).execute();
}

/** A product's pricing inputs as the audit trail records them (optionally locking the row). */
export async function readPricingColumns(db: Database, productId: number, { forUpdate = false } = {}) {
  const q = db.selectFrom('products').select(['replacement_cost_cents', 'iva_rate_pct', 'internal_tax_pct', 'net_content', 'net_content_unit']).where('id', '=', productId);
  return (forUpdate ? q.forUpdate() : q).executeTakeFirstOrThrow();
}
