import { createHash, randomBytes } from 'node:crypto';
import type { Database, Role } from '../database.js';

export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** A new random API key; only its SHA-256 is stored (256 bits of entropy make a slow hash unnecessary). */
export function generateApiKey(): { key: string; hash: string; prefix: string } {
  const key = `gnd_${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashApiKey(key), prefix: key.slice(0, 10) };
}

/** Creates a key and returns it; the only moment the key is known in clear. */
export async function createApiKey(db: Database, name: string, role: Role): Promise<{ id: number; key: string; createdAt: Date }> {
  const { key, hash, prefix } = generateApiKey();
  const row = await db.insertInto('api_keys').values({ name, role, key_hash: hash, key_prefix: prefix }).returning(['id', 'created_at']).executeTakeFirstOrThrow();
  return { id: row.id, key, createdAt: row.created_at };
}

export interface ApiKeyView {
  id: number;
  name: string;
  role: Role;
  prefix: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export async function listApiKeys(db: Database): Promise<ApiKeyView[]> {
  const rows = await db.selectFrom('api_keys').select(['id', 'name', 'role', 'key_prefix', 'created_at', 'revoked_at']).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, role: r.role, prefix: r.key_prefix, createdAt: r.created_at, revokedAt: r.revoked_at }));
}

/** Revokes an active key; false when there is no active key with this id. */
export async function revokeApiKey(db: Database, id: number): Promise<boolean> {
  const result = await db.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The active (not revoked) key with this hash, or undefined. */
export async function findActiveApiKey(db: Database, hash: string): Promise<{ id: number; name: string; role: Role } | undefined> {
  return db.selectFrom('api_keys').select(['id', 'name', 'role']).where('key_hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst();
}

/** The API key with this id while it is in force (name and role), if any. */
export async function findActiveApiKeyById(db: Database, id: number) {
  return db.selectFrom('api_keys').select(['name', 'role']).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
}
