import type { NextFunction, Request, Response } from 'express';
import type { Database, Role } from '../../shared/db/database.js';
import { ForbiddenError, UnauthorizedError } from '../../shared/errors.js';
import { hashApiKey } from '../../shared/db/repositories/api-keys.repository.js';

export interface Principal {
  keyId: number;
  name: string;
  role: Role;
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

function keyFrom(req: Request): string | undefined {
  const auth = req.header('authorization');
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  if (auth?.startsWith('Basic ')) {
    // Browsers (queue dashboard) send the key as the Basic password.
    const decoded = Buffer.from(auth.slice(6), 'base64').toString();
    return decoded.slice(decoded.indexOf(':') + 1);
  }
  return req.header('x-api-key')?.trim();
}

/**
 * Authenticates by API key. Lookups are cached briefly so the hot path does not hit
 * PostgreSQL per request; a revoked key stops working within `ttlMs`.
 */
export function authenticate(db: Database, { ttlMs = 30_000, basicRealm }: { ttlMs?: number; basicRealm?: string } = {}) {
  const cache = new Map<string, { principal: Principal | null; until: number }>();
  return async (req: Request, res: Response, next: NextFunction) => {
    const key = keyFrom(req);
    if (!key) {
      if (basicRealm) res.setHeader('WWW-Authenticate', `Basic realm="${basicRealm}"`);
      throw new UnauthorizedError();
    }
    const hash = hashApiKey(key);
    let hit = cache.get(hash);
    if (!hit || hit.until < Date.now()) {
      const row = await db.selectFrom('api_keys').select(['id', 'name', 'role']).where('key_hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst();
      hit = { principal: row ? { keyId: row.id, name: row.name, role: row.role } : null, until: Date.now() + ttlMs };
      if (cache.size > 10_000) cache.clear();
      cache.set(hash, hit);
    }
    if (!hit.principal) {
      if (basicRealm) res.setHeader('WWW-Authenticate', `Basic realm="${basicRealm}"`);
      throw new UnauthorizedError('the API key is unknown or revoked');
    }
    req.principal = hit.principal;
    next();
  };
}

/** Allows the listed roles; `admin` may do everything. */
export function requireRole(...roles: Role[]) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const role = req.principal?.role;
    if (!role) throw new UnauthorizedError();
    if (role !== 'admin' && !roles.includes(role)) {
      throw new ForbiddenError(`this needs one of the roles ${['admin', ...roles].join(', ')}; your key has role ${role}`);
    }
    next();
  };
}
