import type { Router } from 'express';
import { z } from 'zod';
import { checkIntegrity, listStock } from '../../shared/db/repositories/stock.repository.js';
import type { ApiDeps } from '../deps.js';
import { ApiRouter, decimalString, nextCursor, timestamp } from '../openapi.js';
import { decodeCursor, encodeCursor } from '../pagination.js';

const stockQuerySchema = z.strictObject({
  sku: z.string().optional(),
  location: z.string().trim().toUpperCase().optional(),
  category: z.string().trim().toLowerCase().optional(),
  belowReorderPoint: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().optional(),
});

const balanceSchema = z
  .strictObject({
    sku: z.string(),
    name: z.string(),
    category: z.string(),
    unit: z.enum(['unit', 'kg', 'l']),
    location: z.string(),
    quantity: decimalString,
    reorderPoint: decimalString,
    updatedAt: timestamp,
  })
  .meta({ id: 'StockBalance' });

const integritySchema = z.strictObject({
  ok: z.boolean(),
  checked: z.int(),
  mismatches: z.array(z.strictObject({ sku: z.string(), location: z.string(), balance: decimalString, ledger: decimalString })),
});

export function stockRouter({ db }: ApiDeps): Router {
  const api = new ApiRouter('/v1/stock');

  api.route('get', '/', {
    summary: 'Balances per product and location',
    query: stockQuerySchema,
    responses: { 200: z.strictObject({ items: z.array(balanceSchema), nextCursor }) },
  }, async (_req, res, { query: f }) => {
    const page = await listStock(db, { ...f, afterKey: decodeCursor(f.cursor) });
    res.json({ items: page.items, nextCursor: encodeCursor(page.lastKey, page.more) });
  });

  api.route('get', '/integrity', {
    summary: 'Balances vs the sum of the ledger; mismatches must be empty',
    responses: { 200: integritySchema },
  }, async (_req, res) => {
    res.json(await checkIntegrity(db));
  });

  return api.router;
}
