import { Router } from 'express';
import { z } from 'zod';
import { checkIntegrity, listStock } from '../../shared/db/repositories/stock.repository.js';
import type { ApiDeps } from '../deps.js';
import { parseInput } from '../middleware/validate.js';
import { decodeCursor, encodeCursor } from '../pagination.js';

const stockQuerySchema = z.strictObject({
  sku: z.string().optional(),
  location: z.string().trim().toUpperCase().optional(),
  category: z.string().trim().toLowerCase().optional(),
  belowReorderPoint: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().optional(),
});

export function stockRouter({ db }: ApiDeps): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const f = parseInput(stockQuerySchema, req.query, 'query');
    const page = await listStock(db, { ...f, afterKey: decodeCursor(f.cursor) });
    res.json({ items: page.items, nextCursor: encodeCursor(page.lastKey, page.more) });
  });

  router.get('/integrity', async (_req, res) => {
    const report = await checkIntegrity(db);
    res.json(report);
  });

  return router;
}
