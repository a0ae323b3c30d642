import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../db/database.js';
import { withTransaction } from '../db/transaction.js';
import { applyMovementGroup } from '../db/repositories/movements.repository.js';
import { createApiKey } from '../db/repositories/api-keys.repository.js';
import { demoCatalog, demoLocations } from './catalog.js';
import { seedDemoPricing } from './pricing-seed.js';
import { seedSimulatedSales } from '../db/repositories/demo-sales.repository.js';

export interface SeedResult {
  products: number;
  locations: number;
  openingMovements: number;
  /** Simulated sales (and the receipts that fed them) over the last year. */
  salesHistoryMovements: number;
  /** A new admin key, when the database had none. */
  adminKey?: string;
}

/**
 * Loads the demo shop into an empty database: locations, catalog, and opening stock written as
 * `receipt` movements through the same ledger path as everything else (so integrity holds).
 */
export async function seedDemoData(db: Database, { createAdminKey = true, withSalesHistory = true } = {}): Promise<SeedResult> {
  const catalog = demoCatalog();
  const result = await withTransaction(db, async (trx) => {
    const locations = await trx.insertInto('locations').values([...demoLocations]).onConflict((oc) => oc.column('code').doNothing()).returning(['id', 'code']).execute();
    const products = await trx
      .insertInto('products')
      .values(catalog.map((p) => ({ sku: p.sku, barcode: p.barcode, name: p.name, category: p.category, unit: p.unit, reorder_point: p.reorderPoint })))
      .onConflict((oc) => oc.column('sku').doNothing())
      .returning(['id', 'sku'])
      .execute();
    const productId = new Map(products.map((p) => [p.sku, p.id]));
    const locationId = new Map(locations.map((l) => [l.code, l.id]));
    const openedAt = new Date(Date.now() - 400 * 24 * 3600 * 1000);
    const requests = catalog.flatMap((p) =>
      (['SALON', 'DEPOSITO'] as const)
        .filter((code) => productId.has(p.sku) && locationId.has(code) && p.opening[code] !== '0')
        .map((code) => ({
          id: randomUUID(),
          idempotency_key: `seed-opening-${p.sku}-${code}`,
          type: 'receipt' as const,
          product_id: productId.get(p.sku)!,
          location_id: locationId.get(code)!,
          to_location_id: null,
          quantity: p.opening[code],
          unit_cost_cents: p.costCents,
          reason: null,
          reference: 'stock inicial',
          occurred_at: openedAt,
        })),
    );
    if (requests.length) {
      await trx.insertInto('movement_requests').values(requests).onConflict((oc) => oc.column('idempotency_key').doNothing()).execute();
      await applyMovementGroup(trx, requests.map((r) => ({ movementId: r.id })));
    }
    return { products: products.length, locations: locations.length, openingMovements: requests.length };
  });
  await seedDemoPricing(db);
  // A year of simulated sales at the store, through the ledger, so forecasts appear right away.
  const salon = await db.selectFrom('locations').select('id').where('code', '=', 'SALON').executeTakeFirst();
  const history = salon && withSalesHistory ? await seedSimulatedSales(db, { locationId: salon.id, days: 365, seed: 1 }) : undefined;
  // Fresh statistics for the tables just filled: without them the planner takes the new ledger for
  // a few rows and the first daily-sales refresh runs nested loops (20 s instead of 0.2 s).
  await sql`ANALYZE`.execute(db);
  const hasAdmin = await db.selectFrom('api_keys').select('id').where('role', '=', 'admin').where('revoked_at', 'is', null).executeTakeFirst();
  const seeded = { ...result, salesHistoryMovements: (history?.sales ?? 0) + (history?.receipts ?? 0) };
  if (!hasAdmin && createAdminKey) return { ...seeded, adminKey: (await createApiKey(db, 'demo admin', 'admin')).key };
  return seeded;
}
