import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../database.js';
import { epochDay, isoDay } from '../../domain/forecast/calendar.js';
import { simulateSalesHistory } from '../../domain/forecast/simulate.js';
import { SHOP_TIME_ZONE } from './forecasts.repository.js';
import { withTransaction } from '../transaction.js';

/** Supplier and pack size by category for the demo catalog (products without a supplier yet). */
const DEMO_SUPPLY: Record<string, { supplier: string; pack: number; leadTime: number }> = {
  almacen: { supplier: 'DIST-ALMACEN', pack: 12, leadTime: 3 },
  bebidas: { supplier: 'DIST-BEBIDAS', pack: 6, leadTime: 2 },
  lacteos: { supplier: 'DIST-LACTEOS', pack: 12, leadTime: 1 },
  panaderia: { supplier: 'PANADERIA', pack: 6, leadTime: 1 },
  limpieza: { supplier: 'DIST-LIMPIEZA', pack: 12, leadTime: 4 },
  perfumeria: { supplier: 'DIST-LIMPIEZA', pack: 6, leadTime: 4 },
  golosinas: { supplier: 'DIST-GOLOSINAS', pack: 24, leadTime: 3 },
  fiambreria: { supplier: 'DIST-FRIGORIFICO', pack: 1, leadTime: 2 },
  verduleria: { supplier: 'MERCADO-CENTRAL', pack: 5, leadTime: 1 },
  congelados: { supplier: 'DIST-FRIGORIFICO', pack: 6, leadTime: 2 },
  cigarrillos: { supplier: 'DIST-CIGARRILLOS', pack: 10, leadTime: 2 },
};

export interface SeedSalesOptions {
  locationId: number;
  /** Last day of the history (ISO); default yesterday in UTC. */
  endDay?: string;
  days?: number;
  seed?: number;
  productIds?: number[];
}

export interface SeedSalesResult {
  products: number;
  sales: number;
  receipts: number;
  skipped: boolean;
}

/**
 * Writes a simulated year of sales for the catalog at one location, through the real ledger:
 * weekly receipts keep stock non-negative (a sale takes at most what is on the shelf, so
 * stock-outs appear as in a real shop), `stock_levels` ends equal to the ledger sum, and every
 * row is a normal applied movement. Skips when demo sales already exist at the location.
 */
export async function seedSimulatedSales(db: Database, opts: SeedSalesOptions): Promise<SeedSalesResult> {
  const days = opts.days ?? 365;
  const end = opts.endDay ? epochDay(opts.endDay) : epochDay(new Date().toISOString()) - 1;
  const start = end - days + 1;
  const keyPrefix = `demo-${opts.locationId}-`;
  const existing = await db.selectFrom('movement_requests').select('id').where('idempotency_key', 'like', `${keyPrefix}%`).limit(1).executeTakeFirst();
  if (existing) return { products: 0, sales: 0, receipts: 0, skipped: true };

  let q = db.selectFrom('products').select(['id', 'sku', 'category', 'unit']).orderBy('id');
  if (opts.productIds) q = q.where('id', 'in', opts.productIds.length ? opts.productIds : [-1]);
  const products = await q.execute();
  const history = simulateSalesHistory({
    products: products.map((p) => ({ key: p.sku, category: p.category, unit: p.unit })),
    start: isoDay(start),
    days,
    seed: opts.seed ?? 1,
  });

  const rows: { id: string; key: string; type: 'sale' | 'receipt'; productId: number; quantity: number; at: string; balance: number }[] = [];
  const finalStock = new Map<number, number>();
  history.series.forEach((s, k) => {
    const product = products[k]!;
    const milli = (x: number) => Math.round(x * 1000);
    let stock = 0;
    for (let i = 0; i < days; i++) {
      const day = isoDay(start + i);
      // Weekly delivery (and one on the first day): bring stock up to about two weeks of sales.
      if (i % 7 === 0) {
        const from = Math.max(0, i - 28);
        const recent = i === 0 ? s.quantity.slice(0, 28) : s.quantity.slice(from, i);
        const avg = recent.reduce((a, b) => a + b, 0) / Math.max(1, recent.length);
        const want = avg * 14 * 1.3 + (product.unit === 'kg' ? 1 : 2);
        // Products counted in units arrive in whole units (the database refuses anything else).
        const target = product.unit === 'unit' ? Math.ceil(want) * 1000 : milli(want);
        if (target > stock) {
          const receipt = target - stock;
          stock += receipt;
          rows.push({ id: randomUUID(), key: `${keyPrefix}r-${product.sku}-${day}`, type: 'receipt', productId: product.id, quantity: receipt / 1000, at: `${day} 08:00`, balance: stock / 1000 });
        }
      }
      const sold = Math.min(stock, milli(s.quantity[i]!));
      if (sold > 0) {
        stock -= sold;
        rows.push({ id: randomUUID(), key: `${keyPrefix}s-${product.sku}-${day}`, type: 'sale', productId: product.id, quantity: sold / 1000, at: `${day} 13:00`, balance: stock / 1000 });
      }
    }
    finalStock.set(product.id, stock / 1000);
  });

  await withTransaction(db, async (trx) => {
    for (let i = 0; i < rows.length; i += 5000) {
      const part = rows.slice(i, i + 5000);
      const ids = part.map((r) => r.id);
      const keys = part.map((r) => r.key);
      const types = part.map((r) => r.type);
      const productIds = part.map((r) => r.productId);
      const quantities = part.map((r) => r.quantity.toFixed(3));
      const signed = part.map((r) => (r.type === 'sale' ? -r.quantity : r.quantity).toFixed(3));
      const at = part.map((r) => r.at);
      const balances = part.map((r) => r.balance.toFixed(3));
      await sql`
        INSERT INTO movement_requests (id, idempotency_key, type, product_id, location_id, quantity, occurred_at, status, balance_after, processed_at, reference)
        SELECT v.id, v.key, v.type, v.product_id, ${opts.locationId}, v.quantity, (v.at::timestamp AT TIME ZONE ${SHOP_TIME_ZONE}), 'applied', v.balance, now(), 'demo'
        FROM unnest(${ids}::uuid[], ${keys}::text[], ${types}::text[], ${productIds}::bigint[], ${quantities}::numeric[], ${at}::text[], ${balances}::numeric[])
          AS v(id, key, type, product_id, quantity, at, balance)`.execute(trx);
      await sql`
        INSERT INTO stock_movements (movement_id, leg, idempotency_key, type, product_id, location_id, quantity, occurred_at, reference)
        SELECT v.id, 0, v.key, v.type, v.product_id, ${opts.locationId}, v.quantity, (v.at::timestamp AT TIME ZONE ${SHOP_TIME_ZONE}), 'demo'
        FROM unnest(${ids}::uuid[], ${keys}::text[], ${types}::text[], ${productIds}::bigint[], ${signed}::numeric[], ${at}::text[])
          AS v(id, key, type, product_id, quantity, at)`.execute(trx);
    }
    const ids = [...finalStock.keys()];
    const qty = ids.map((id) => finalStock.get(id)!.toFixed(3));
    if (ids.length) {
      await sql`
        INSERT INTO stock_levels (product_id, location_id, quantity)
        SELECT v.product_id, ${opts.locationId}, v.quantity FROM unnest(${ids}::bigint[], ${qty}::numeric[]) AS v(product_id, quantity)
        ON CONFLICT (product_id, location_id) DO UPDATE SET quantity = stock_levels.quantity + EXCLUDED.quantity, updated_at = now()`.execute(trx);
    }
    for (const [category, supply] of Object.entries(DEMO_SUPPLY)) {
      await trx
        .updateTable('products')
        .set({ supplier_code: supply.supplier, supplier_pack_size: supply.pack, lead_time_days: supply.leadTime })
        .where('category', '=', category)
        .where('supplier_code', 'is', null)
        .where('id', 'in', products.length ? products.map((p) => p.id) : [-1])
        .execute();
    }
  });
  return {
    products: products.length,
    sales: rows.filter((r) => r.type === 'sale').length,
    receipts: rows.filter((r) => r.type === 'receipt').length,
    skipped: false,
  };
}
