import type { Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../shared/errors.js';
import type { ApiDeps } from '../deps.js';
import { productSalesHistory } from '../../shared/db/repositories/forecast-views.repository.js';
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
    const history = await productSalesHistory(db, q.sku, q.location, q.days);
    if (!history) throw new NotFoundError('product', q.sku);
    const { product, items } = history;
    res.json({ sku: product.sku, name: product.name, unit: product.unit, location: q.location ?? null, items });
  });
  return api.router;
}
