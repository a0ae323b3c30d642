import { Router } from 'express';
import { z } from 'zod';
import { ConflictError } from '../../shared/errors.js';
import { pgErrorCode } from '../../shared/db/transaction.js';
import type { ApiDeps } from '../deps.js';
import { requireRole } from '../middleware/auth.js';
import { parseInput } from '../middleware/validate.js';

export const createLocationSchema = z.strictObject({
  code: z.string().trim().toUpperCase().regex(/^[A-Z0-9_-]{1,32}$/, '1 to 32 letters, digits, "_" or "-"'),
  name: z.string().trim().min(1).max(120),
});

const view = (l: { code: string; name: string; created_at: Date }) => ({ code: l.code, name: l.name, createdAt: l.created_at });

export function locationsRouter({ db }: ApiDeps): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    const rows = await db.selectFrom('locations').select(['code', 'name', 'created_at']).orderBy('id').execute();
    res.json({ items: rows.map(view) });
  });

  router.post('/', requireRole('deposito'), async (req, res) => {
    const l = parseInput(createLocationSchema, req.body);
    try {
      const row = await db.insertInto('locations').values(l).returning(['code', 'name', 'created_at']).executeTakeFirstOrThrow();
      res.status(201).location(`/v1/locations/${row.code}`).json(view(row));
    } catch (err) {
      if (pgErrorCode(err) === '23505') throw new ConflictError('location_code_taken', `a location with code ${l.code} already exists`);
      throw err;
    }
  });

  return router;
}
