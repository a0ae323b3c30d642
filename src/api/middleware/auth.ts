import type { NextFunction, Request, Response } from 'express';
import { parseCookie } from 'cookie';
import type { Database, Role } from '../../shared/db/database.js';
import { ForbiddenError, UnauthorizedError } from '../../shared/errors.js';
import { findActiveApiKey, hashApiKey } from '../../shared/db/repositories/api-keys.repository.js';
import { csrfTokenMatches, resumeSession, type SessionUser } from '../../shared/use-cases/sessions.js';

/** Who is calling: a machine with an API key, or a person with a browser session. */
export type Principal =
  | { kind: 'api_key'; keyId: number; name: string; role: Role }
  | { kind: 'session'; sessionId: number; user: SessionUser; name: string; role: Role; csrfToken: string };

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

export const SESSION_COOKIE = 'gondola_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

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

export function sessionTokenFrom(req: Request): string | undefined {
  const header = req.header('cookie');
  if (!header) return undefined;
  return parseCookie(header)[SESSION_COOKIE] || undefined;
}

export interface AuthOptions {
  /** API key lookups are cached this long: a revoked key stops working within it. */
  ttlMs?: number;
  basicRealm?: string;
  sessionIdleMs: number;
  /**
   * How cookie-authenticated writes prove they come from the app: `token` (header X-CSRF-Token,
   * the /v1 API) or `same-origin` (the browser's Sec-Fetch-Site / Origin; pages we do not write,
   * like the queue dashboard). SameSite=Strict on the cookie is the first defence in both.
   */
  csrf?: 'token' | 'same-origin';
}

function sameOrigin(req: Request): boolean {
  const site = req.header('sec-fetch-site');
  if (site) return site === 'same-origin';
  const origin = req.header('origin');
  if (!origin) return false;
  try {
    return new URL(origin).host === req.header('host');
  } catch {
    return false;
  }
}

/**
 * Authenticates by API key (`Authorization: Bearer`, `X-API-Key`) or by the session cookie. Sessions
 * are read from PostgreSQL on each request (no cache) so a revoked session stops at once; cookie
 * writes must carry the session's CSRF token.
 */
export function authenticate(db: Database, { ttlMs = 30_000, basicRealm, sessionIdleMs, csrf = 'token' }: AuthOptions) {
  const cache = new Map<string, { principal: Principal | null; until: number }>();
  const challenge = (res: Response) => {
    if (basicRealm) res.setHeader('WWW-Authenticate', `Basic realm="${basicRealm}"`);
  };
  return async (req: Request, res: Response, next: NextFunction) => {
    const key = keyFrom(req);
    if (key) {
      const hash = hashApiKey(key);
      let hit = cache.get(hash);
      if (!hit || hit.until < Date.now()) {
        const row = await findActiveApiKey(db, hash);
        hit = { principal: row ? { kind: 'api_key', keyId: row.id, name: row.name, role: row.role } : null, until: Date.now() + ttlMs };
        if (cache.size > 10_000) cache.clear();
        cache.set(hash, hit);
      }
      if (!hit.principal) {
        challenge(res);
        throw new UnauthorizedError('the API key is unknown or revoked');
      }
      req.principal = hit.principal;
      return next();
    }

    const token = sessionTokenFrom(req);
    if (!token) {
      challenge(res);
      throw new UnauthorizedError();
    }
    const session = await resumeSession(db, token, sessionIdleMs);
    if (!session) {
      challenge(res);
      throw new UnauthorizedError('your session has ended (signed out, expired after inactivity, or revoked); sign in again', 'session_expired');
    }
    if (!SAFE_METHODS.has(req.method)) {
      if (csrf === 'same-origin') {
        if (!sameOrigin(req)) throw new ForbiddenError('this change must come from a page of this site', 'csrf_origin_mismatch');
      } else {
        const presented = req.header(CSRF_HEADER);
        if (!presented) throw new ForbiddenError('send the header X-CSRF-Token with the csrfToken from POST /v1/sessions or GET /v1/me', 'csrf_token_missing');
        if (!csrfTokenMatches(session.csrfToken, presented)) throw new ForbiddenError('the X-CSRF-Token header does not belong to this session; read csrfToken again from GET /v1/me', 'csrf_token_invalid');
      }
    }
    req.principal = { kind: 'session', sessionId: session.sessionId, user: session.user, name: session.user.username, role: session.user.role, csrfToken: session.csrfToken };
    next();
  };
}

/** Allows the listed roles; `admin` may do everything. */
export function requireRole(...roles: Role[]) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const principal = req.principal;
    if (!principal) throw new UnauthorizedError();
    if (principal.role !== 'admin' && !roles.includes(principal.role)) {
      const who = principal.kind === 'session' ? 'your user' : 'your key';
      throw new ForbiddenError(`this needs one of the roles ${['admin', ...roles].join(', ')}; ${who} has role ${principal.role}`);
    }
    next();
  };
}
