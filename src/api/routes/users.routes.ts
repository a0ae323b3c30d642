import { Router } from 'express';
import { recordAudit } from '../../shared/db/repositories/audit.repository.js';
import { auditActorOf } from '../audit-actor.js';
import { z } from 'zod';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../shared/domain/auth.js';
import { ValidationError } from '../../shared/errors.js';
import { listUsers } from '../../shared/db/repositories/users.repository.js';
import { createUser, updateUser } from '../../shared/use-cases/users.js';
import type { ApiDeps } from '../deps.js';
import { requireRole } from '../middleware/auth.js';
import { parseInput } from '../middleware/validate.js';

export const roleSchema = z.enum(['admin', 'deposito', 'negocio', 'ml_service', 'viewer']);
const password = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters long`)
  .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters long`);
const displayName = z.string().trim().min(1).max(100);

export const createUserSchema = z.strictObject({
  username: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9._-]{1,39}$/, '2 to 40 characters: letters, digits, ".", "_" or "-", starting with a letter or digit'),
  displayName,
  role: roleSchema,
  password,
});

export const updateUserSchema = z
  .strictObject({ displayName: displayName.optional(), role: roleSchema.optional(), active: z.boolean().optional(), password: password.optional() })
  .refine((v) => Object.keys(v).length > 0, 'send at least one field to change');

function userId(raw: string): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new ValidationError(`user id ${JSON.stringify(raw)} is not a number`, [{ path: 'id', message: 'must be a positive integer' }]);
  return id;
}

/** People who sign in (admin only). Deactivating a user or changing its password ends its sessions. */
export function usersRouter({ db }: ApiDeps): Router {
  const router = Router();
  router.use(requireRole());

  router.get('/', async (_req, res) => {
    res.json({ items: await listUsers(db) });
  });

  router.post('/', async (req, res) => {
    const input = parseInput(createUserSchema, req.body);
    const user = await createUser(db, input, (trx, change) => recordAudit(trx, auditActorOf(req), change));
    res.status(201).location(`/v1/users/${user.id}`).json(user);
  });

  router.patch('/:id', async (req, res) => {
    const id = userId(req.params.id);
    const input = parseInput(updateUserSchema, req.body);
    const { user, sessionsRevoked } = await updateUser(db, id, input, (trx, change) => recordAudit(trx, auditActorOf(req), change));
    res.json({ ...user, sessionsRevoked });
  });

  return router;
}
