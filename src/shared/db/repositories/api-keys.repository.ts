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
