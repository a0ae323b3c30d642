import type { Router } from 'express';
import { z } from 'zod';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../shared/domain/auth.js';
import { ValidationError } from '../../shared/errors.js';
import { listUsers } from '../../shared/db/repositories/users.repository.js';
import { createUser, updateUser } from '../../shared/use-cases/users.js';
import { recordAudit } from '../../shared/db/repositories/audit.repository.js';
import { auditActorOf } from '../audit-actor.js';
import type { ApiDeps } from '../deps.js';
import { ApiRouter, timestamp } from '../openapi.js';

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

const userSchema = z
  .strictObject({ id: z.int(), username: z.string(), displayName: z.string(), role: roleSchema, active: z.boolean(), passwordChangedAt: timestamp, createdAt: timestamp, updatedAt: timestamp })
  .meta({ id: 'User' });

/** People who sign in (admin only). Deactivating a user or changing its password ends its sessions. */
export function usersRouter({ db }: ApiDeps): Router {
  const api = new ApiRouter('/v1/users');

  api.route('get', '/', { summary: 'List users', roles: [], responses: { 200: z.strictObject({ items: z.array(userSchema) }) } }, async (_req, res) => {
    res.json({ items: await listUsers(db) });
  });

  api.route('post', '/', {
    summary: 'Create a user (password at least 10 characters)',
    roles: [],
    body: createUserSchema,
    responses: { 201: { description: 'created', schema: userSchema, headers: { Location: 'the user' } } },
    errors: [409],
  }, async (req, res, { body: input }) => {
    const user = await createUser(db, input, (trx, change) => recordAudit(trx, auditActorOf(req), change));
    res.status(201).location(`/v1/users/${user.id}`).json(user);
  });

  api.route('patch', '/:id', {
    summary: "Change display name, role, active or password; deactivating or a new password ends the user's sessions",
    roles: [],
    params: z.strictObject({ id: z.string().meta({ description: 'the numeric user id' }) }),
    body: updateUserSchema,
    responses: { 200: userSchema.extend({ sessionsRevoked: z.int() }) },
    errors: [404, 409],
  }, async (req, res, { params, body: input }) => {
    const id = userId(params.id);
    const { user, sessionsRevoked } = await updateUser(db, id, input, (trx, change) => recordAudit(trx, auditActorOf(req), change));
    res.json({ ...user, sessionsRevoked });
  });

  return api.router;
}
