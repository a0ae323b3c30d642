import { Router } from 'express';
import { recordAudit } from '../../shared/db/repositories/audit.repository.js';
import { withTransaction } from '../../shared/db/transaction.js';
import { auditActorOf } from '../audit-actor.js';
import { z } from 'zod';
import { NotFoundError } from '../../shared/errors.js';
import type { ApiDeps } from '../deps.js';
import { requireRole } from '../middleware/auth.js';
import { createApiKey } from '../../shared/db/repositories/api-keys.repository.js';
import { parseInput } from '../middleware/validate.js';

export const createApiKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  role: z.enum(['admin', 'deposito', 'negocio', 'ml_service', 'viewer']),
});

/** Key management (admin only). The key itself is shown once, at creation. */
export function apiKeysRouter({ db }: ApiDeps): Router {
  const router = Router();
  router.use(requireRole());

  router.get('/', async (_req, res) => {
    const rows = await db.selectFrom('api_keys').select(['id', 'name', 'role', 'key_prefix', 'created_at', 'revoked_at']).orderBy('id').execute();
    res.json({ items: rows.map((r) => ({ id: r.id, name: r.name, role: r.role, prefix: r.key_prefix, createdAt: r.created_at, revokedAt: r.revoked_at })) });
  });

  router.post('/', async (req, res) => {
    const input = parseInput(createApiKeySchema, req.body);
    const created = await withTransaction(db, async (trx) => {
      const key = await createApiKey(trx, input.name, input.role);
      await recordAudit(trx, auditActorOf(req), { action: 'api_key.created', entityType: 'api_key', entityId: key.id, after: { name: input.name, role: input.role } });
      return key;
    });
    res.status(201).json({ ...created, name: input.name, role: input.role });
  });

  router.delete('/:id', async (req, res) => {
    const id = Number(req.params.id);
    const result = Number.isSafeInteger(id)
      ? await withTransaction(db, async (trx) => {
          const r = await trx.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', id).where('revoked_at', 'is', null).returning(['name', 'role']).executeTakeFirst();
          if (r) await recordAudit(trx, auditActorOf(req), { action: 'api_key.revoked', entityType: 'api_key', entityId: id, before: r });
          return { numUpdatedRows: r ? 1 : 0 };
        })
      : undefined;
    if (!result?.numUpdatedRows) throw new NotFoundError('active api key', String(req.params.id));
    res.status(204).end();
  });
  return router;
}
