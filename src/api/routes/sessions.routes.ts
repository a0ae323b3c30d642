import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Config } from '../../shared/config.js';
import { AppError, UnauthorizedError } from '../../shared/errors.js';
import { signIn, signOut } from '../../shared/use-cases/sessions.js';
import type { ApiDeps } from '../deps.js';
import { SESSION_COOKIE } from '../middleware/auth.js';
import { parseInput } from '../middleware/validate.js';

export const signInSchema = z.strictObject({
  username: z.string().trim().min(1).max(100),
  password: z.string().min(1).max(1000),
});

export const loginPolicy = (config: Config) => ({
  usernameLimit: config.LOGIN_USERNAME_FAILURE_LIMIT,
  addressLimit: config.LOGIN_ADDRESS_FAILURE_LIMIT,
  lockMs: config.LOGIN_LOCK_MS,
  baseDelayMs: config.LOGIN_FAILURE_DELAY_MS,
  maxDelayMs: 2000,
});

/** HttpOnly (scripts cannot read it), SameSite=Strict (other sites cannot send it), Secure over TLS. */
const cookieOptions = (req: Request) => ({ httpOnly: true, sameSite: 'strict' as const, path: '/', secure: req.secure });

/**
 * `/v1/sessions`: sign in (no authentication needed) and sign out. `auth` authenticates the
 * sign-out, so it needs the CSRF header like every other cookie write.
 */
export function sessionsRouter({ db, config }: ApiDeps, auth: RequestHandler): Router {
  const router = Router();
  const policy = loginPolicy(config);

  router.post('/', async (req, res) => {
    const input = parseInput(signInSchema, req.body);
    const signedIn = await signIn(db, policy, { ...input, address: req.ip ?? null, userAgent: req.header('user-agent') ?? null });
    res.cookie(SESSION_COOKIE, signedIn.token, cookieOptions(req));
    res.status(201).json({ user: signedIn.user, csrfToken: signedIn.csrfToken });
  });

  router.delete('/current', auth, async (req, res: Response) => {
    const principal = req.principal;
    if (principal?.kind !== 'session') throw new AppError(400, 'not_a_session', 'this request is authenticated by an API key, not a session; revoke keys with DELETE /v1/api-keys/:id');
    await signOut(db, principal.sessionId);
    res.clearCookie(SESSION_COOKIE, cookieOptions(req));
    res.status(204).end();
  });

  return router;
}

/** `GET /v1/me`: who is calling, and for a session its CSRF token. */
export const meHandler: RequestHandler = (req, res) => {
  const p = req.principal;
  if (!p) throw new UnauthorizedError();
  if (p.kind === 'session') res.json({ user: p.user, csrfToken: p.csrfToken });
  else res.json({ user: null, apiKey: { id: p.keyId, name: p.name, role: p.role } });
};
