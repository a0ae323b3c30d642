import type { Router } from 'express';
import { sql } from 'kysely';
import { z } from 'zod';
import { NotFoundError } from '../../shared/errors.js';
import type { ApiDeps } from '../deps.js';
import { ApiRouter, decimalString, isoDay } from '../openapi.js';

const historyQuery = z.strictObject({
  sku: z.string().trim().min(1),
  location: z.string().trim().toUpperCase().min(1).max(32).optional(),
  days: z.coerce.number().int().min(7).max(730).default(56),
});

/** `/v1/sales-history`: units sold per day (the aggregate forecasts learn from), to draw next to a forecast. */
export function salesHistoryRouter({ db }: ApiDeps): Router {
  const api = new ApiRouter('/v1/sales-history');
  api.route('get', '/', {
    summary: 'Units sold per day of a product (all locations, or one), the last `days` days up to its last day with sales',
    query: historyQuery,
    responses: {
      200: z.strictObject({ sku: z.string(), name: z.string(), unit: z.enum(['unit', 'kg', 'l']), location: z.string().nullable(), items: z.array(z.strictObject({ day: isoDay, quantity: decimalString })) }),
    },
    errors: [404],
  }, async (_req, res, { query: q }) => {
    const product = await db.selectFrom('products').select(['id', 'sku', 'name', 'unit']).where('sku', '=', q.sku).executeTakeFirst();
    if (!product) throw new NotFoundError('product', q.sku);
    // The window ends at the last day with sales, so a shop whose data stops (the demo) still shows its history.
    const rows = await db
      .selectFrom('daily_sales as d')
      .innerJoin('locations as l', 'l.id', 'd.location_id')
      .select([sql<string>`d.day::text`.as('day'), sql<string>`sum(d.quantity)::text`.as('quantity')])
      .where('d.product_id', '=', product.id)
      .$if(q.location !== undefined, (b) => b.where('l.code', '=', q.location!))
      .where(sql<boolean>`d.day > (SELECT max(x.day) FROM daily_sales x WHERE x.product_id = ${product.id}) - ${q.days}::int`)
      .groupBy('d.day')
      .orderBy('d.day')
      .execute();
    res.json({ sku: product.sku, name: product.name, unit: product.unit, location: q.location ?? null, items: rows });
  });
  return api.router;
}
