import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import type { Database } from '../db/database.js';
import { withTransaction } from '../db/transaction.js';
import { importIndexRows } from '../db/repositories/pricing-index.repository.js';
import { runRepricingInline } from '../db/repositories/pricing-runs.repository.js';
import { parseIndexCsv } from '../domain/pricing/index-series.js';
import { demoCatalog } from './catalog.js';

const dataFile = (name: string) => readFileSync(new URL(`./data/${name}`, import.meta.url), 'utf8');

/** Category rules of the demo shop (markup, minimum margin, price points in centavos, limits). */
const demoRules = [
  { category: 'almacen', markup_pct: 30, min_margin_pct: 18, rounding_step_cents: 1000, ending_cents: 0, max_change_pct: 25, price_ahead_days: null },
  { category: 'bebidas', markup_pct: 40, min_margin_pct: 22, rounding_step_cents: 1000, ending_cents: 900, max_change_pct: 25, price_ahead_days: null },
  { category: 'lacteos', markup_pct: 30, min_margin_pct: 18, rounding_step_cents: 1000, ending_cents: 0, max_change_pct: 25, price_ahead_days: 7 },
  { category: 'fiambres', markup_pct: 45, min_margin_pct: 25, rounding_step_cents: 10_000, ending_cents: 0, max_change_pct: 30, price_ahead_days: null },
  { category: 'golosinas', markup_pct: 50, min_margin_pct: 30, rounding_step_cents: 5000, ending_cents: 0, max_change_pct: 30, price_ahead_days: null },
  { category: 'verduleria', markup_pct: 60, min_margin_pct: 30, rounding_step_cents: 5000, ending_cents: 0, max_change_pct: null, price_ahead_days: 7 },
];

/** IVA: 10.5 % for fresh produce and bread, 21 % for the rest of the demo catalog. */
const ivaOf = (category: string) => (category === 'verduleria' || category === 'panaderia' ? '10.5' : '21');
/** Internal taxes (approximate demo values): soft drinks, beer, spirits. */
const internalTaxOf = (name: string) => (/^Gaseosa/.test(name) ? '8' : /^Cerveza/.test(name) ? '14' : /^Fernet/.test(name) ? '20' : '0');

/** Net content declared in a product name ("2,25 l", "473 ml", "290 g", "1 kg") in kg or l. */
export function netContentOf(name: string): { quantity: string; unit: 'kg' | 'l' } | null {
  const m = /(\d+(?:,\d+)?)\s*(ml|l|g|kg)\b/i.exec(name);
  if (!m) return null;
  const value = Number(m[1]!.replace(',', '.'));
  const unit = m[2]!.toLowerCase();
  const milli = Math.round(value * (unit === 'ml' || unit === 'g' ? 1 : 1000));
  return { quantity: (milli / 1000).toFixed(3), unit: unit === 'ml' || unit === 'l' ? 'l' : 'kg' };
}

/**
 * Pricing part of the demo shop: category rules, costs and taxes of the catalog, the INDEC
 * monthly CPI (official) and market expectations (expected) series, and initial shelf prices
 * written as a run (history and a label batch) through the same code as every repricing.
 */
export async function seedDemoPricing(db: Database, chunkSize = 1000): Promise<{ products: number; indexRows: number; pricesSet: number }> {
  const catalog = demoCatalog();
  return withTransaction(db, async (trx) => {
    await trx.insertInto('pricing_rules').values(demoRules).onConflict((oc) => oc.column('category').doNothing()).execute();
    const content = catalog.map((p) => p.unit === 'unit' ? netContentOf(p.name) : null);
    const { rows: updated } = await sql<{ id: number }>`
      UPDATE products p
         SET replacement_cost_cents = v.cost, cost_updated_at = now(), iva_rate_pct = v.iva, internal_tax_pct = v.internal,
             net_content = v.content, net_content_unit = v.content_unit
        FROM unnest(${catalog.map((p) => p.sku)}::text[], ${catalog.map((p) => p.costCents)}::bigint[],
                    ${catalog.map((p) => ivaOf(p.category))}::numeric[], ${catalog.map((p) => internalTaxOf(p.name))}::numeric[],
                    ${content.map((c) => c?.quantity ?? null)}::numeric[], ${content.map((c) => c?.unit ?? null)}::text[])
             AS v(sku, cost, iva, internal, content, content_unit)
       WHERE p.sku = v.sku AND p.replacement_cost_cents IS NULL
      RETURNING p.id`.execute(trx);
    await sql`
      INSERT INTO replacement_costs (product_id, cost_cents, source)
      SELECT id, replacement_cost_cents, 'demo catalog' FROM products WHERE id = ANY(${updated.map((r) => r.id)}::bigint[])`.execute(trx);

    const official = parseIndexCsv(dataFile('indec-ipc-monthly.csv'), { series: 'official', source: 'INDEC IPC nacional' });
    const expected = parseIndexCsv(dataFile('expected-monthly.csv'), { series: 'expected', source: 'market expectations' });
    const imported = await importIndexRows(trx, [...official.rows, ...expected.rows]);

    const run = await runRepricingInline(trx, { id: 'seed-initial-prices', trigger: 'seed', scope: { kind: 'all' }, reason: 'precios iniciales', forced: true }, chunkSize);
    return { products: updated.length, indexRows: imported.inserted, pricesSet: run.productsChanged };
  });
}
