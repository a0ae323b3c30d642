import type { Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../shared/errors.js';
import type { ApiDeps } from '../deps.js';
import { createApiKey, findActiveApiKeyById, listApiKeys, revokeApiKey } from '../../shared/db/repositories/api-keys.repository.js';
import { ApiRouter, timestamp } from '../openapi.js';
import { recordAudit } from '../../shared/db/repositories/audit.repository.js';
import { withTransaction } from '../../shared/db/transaction.js';
import { auditActorOf } from '../audit-actor.js';

const ROLES = ['admin', 'deposito', 'negocio', 'ml_service', 'viewer'] as const;

export const createApiKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  role: z.enum(ROLES),
});

const apiKeySchema = z
  .strictObject({ id: z.int(), name: z.string(), role: z.enum(ROLES), prefix: z.string(), createdAt: timestamp, revokedAt: timestamp.nullable() })
  .meta({ id: 'ApiKey' });
const createdKeySchema = z
  .strictObject({ id: z.int(), key: z.string().meta({ description: 'shown once; store it now' }), createdAt: timestamp, name: z.string(), role: z.enum(ROLES) })
  .meta({ id: 'CreatedApiKey' });

/** Key management (admin only). The key itself is shown once, at creation. */
export function apiKeysRouter({ db }: ApiDeps): Router {
  const api = new ApiRouter('/v1/api-keys');

  api.route('get', '/', { summary: 'List API keys (hashes never shown)', roles: [], responses: { 200: z.strictObject({ items: z.array(apiKeySchema) }) } }, async (_req, res) => {
    res.json({ items: await listApiKeys(db) });
  });

  api.route('post', '/', { summary: 'Create an API key (shown once)', roles: [], body: createApiKeySchema, responses: { 201: createdKeySchema } }, async (req, res, { body }) => {
    const created = await withTransaction(db, async (trx) => {
      const key = await createApiKey(trx, body.name, body.role);
      await recordAudit(trx, auditActorOf(req), { action: 'api_key.created', entityType: 'api_key', entityId: key.id, after: { name: body.name, role: body.role } });
      return key;
    });
    res.status(201).json({ ...created, name: body.name, role: body.role });
  });

  api.route('delete', '/:id', {
    summary: 'Revoke an API key',
    roles: [],
    params: z.strictObject({ id: z.string().meta({ description: 'the numeric key id' }) }),
    responses: { 204: { description: 'revoked' } },
    errors: [404],
  }, async (req, res, { params }) => {
    const id = Number(params.id);
    const revoked =
      Number.isSafeInteger(id) &&
      (await withTransaction(db, async (trx) => {
        const before = await findActiveApiKeyById(trx, id);
        if (!before || !(await revokeApiKey(trx, id))) return false;
        await recordAudit(trx, auditActorOf(req), { action: 'api_key.revoked', entityType: 'api_key', entityId: id, before });
        return true;
      }));
    if (!revoked) throw new NotFoundError('active api key', params.id);
    res.status(204).end();
  });

  return api.router;
}
