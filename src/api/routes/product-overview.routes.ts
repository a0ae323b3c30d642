import type { Router } from 'express';
import { z } from 'zod';
import { normalizeQuantity } from '../../shared/domain/quantity.js';
import { listProductPricing } from '../../shared/db/repositories/pricing-views.repository.js';
import type { ApiDeps } from '../deps.js';
import { ApiRouter, decimalString } from '../openapi.js';

const querySchema = z.strictObject({
  skus: z
    .string()
    .transform((s) => [...new Set(s.split(',').map((x) => x.trim()).filter(Boolean))])
    .refine((a) => a.length >= 1 && a.length <= 200, 'send 1 to 200 comma-separated SKUs'),
});

const overviewSchema = z.strictObject({
  items: z.array(
    z.strictObject({
      sku: z.string(),
      price: decimalString.nullable(),
      replacementCost: decimalString.nullable(),
      marginPct: decimalString.nullable(),
      belowMinimumMargin: z.boolean(),
      stock: z.array(z.strictObject({ location: z.string(), quantity: decimalString })),
    }),
  ),
});

/**
 * `GET /v1/product-overview?skus=a,b`: what a product list shows next to each product in one
 * call — stock per location, price, replacement cost and margin (the web app's Productos table).
 */
export function productOverviewRouter({ db }: ApiDeps): Router {
  const api = new ApiRouter('/v1/product-overview');
  api.route('get', '/', {
    summary: 'Stock per location, price, replacement cost and margin of up to 200 products (comma-separated skus)',
    query: querySchema,
    responses: { 200: overviewSchema },
  }, async (_req, res, { query }) => {
    const { skus } = query;
    const [pricing, stock] = await Promise.all([
      listProductPricing(db, skus),
      db
        .selectFrom('stock_levels as s')
        .innerJoin('products as p', 'p.id', 's.product_id')
        .innerJoin('locations as l', 'l.id', 's.location_id')
        .select(['p.sku', 'l.code as location', 's.quantity'])
        .where('p.sku', 'in', skus)
        .orderBy('l.id')
        .execute(),
    ]);
    const bySku = new Map(pricing.map((p) => [p.sku, p]));
    const items = skus.flatMap((sku) => {
      const p = bySku.get(sku);
      if (!p) return [];
      return [
        {
          sku,
          price: p.price,
          replacementCost: p.replacementCost,
          marginPct: p.marginPct,
          belowMinimumMargin: p.belowMinimumMargin,
          stock: stock.filter((s) => s.sku === sku).map((s) => ({ location: s.location, quantity: normalizeQuantity(s.quantity) })),
        },
      ];
    });
    res.json({ items });
  });
  return api.router;
}
