import type { Request, RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { Config } from '../../shared/config.js';
import { AppError, UnauthorizedError } from '../../shared/errors.js';
import { signIn, signOut } from '../../shared/use-cases/sessions.js';
import type { ApiDeps } from '../deps.js';
import { SESSION_COOKIE } from '../middleware/auth.js';
import { ApiRouter } from '../openapi.js';
import { roleSchema } from './users.routes.js';

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

const sessionUserSchema = z.strictObject({ id: z.int(), username: z.string(), displayName: z.string(), role: roleSchema }).meta({ id: 'SessionUser' });
const signedInSchema = z.strictObject({ user: sessionUserSchema, csrfToken: z.string().meta({ description: 'send it as X-CSRF-Token on every cookie-authenticated write' }) });

/** HttpOnly (scripts cannot read it), SameSite=Strict (other sites cannot send it), Secure over TLS. */
const cookieOptions = (req: Request) => ({ httpOnly: true, sameSite: 'strict' as const, path: '/', secure: req.secure });

/**
 * `/v1/sessions`: sign in (no authentication needed) and sign out. `auth` authenticates the
 * sign-out, so it needs the CSRF header like every other cookie write.
 */
export function sessionsRouter({ db, config }: ApiDeps, auth: RequestHandler): Router {
  const api = new ApiRouter('/v1/sessions');
  const policy = loginPolicy(config);

  api.route('post', '/', {
    summary: 'Sign in',
    description: 'Answers the user and a CSRF token, and sets the HttpOnly cookie gondola_session. Cookie-authenticated writes need the header X-CSRF-Token: <csrfToken>. An unknown user and a wrong password get the same 401; too many wrong passwords for the user or the address get 429 with Retry-After.',
    public: true,
    body: signInSchema,
    responses: { 201: { description: 'signed in', schema: signedInSchema, headers: { 'Set-Cookie': 'gondola_session (HttpOnly, SameSite=Strict)' } } },
    errors: [401, 429],
  }, async (req, res, { body: input }) => {
    const signedIn = await signIn(db, policy, { ...input, address: req.ip ?? null, userAgent: req.header('user-agent') ?? null });
    res.cookie(SESSION_COOKIE, signedIn.token, cookieOptions(req));
    res.status(201).json({ user: signedIn.user, csrfToken: signedIn.csrfToken });
  });

  api.route('delete', '/current', {
    summary: 'Sign out: ends this session and clears the cookie',
    use: [auth],
    responses: { 204: { description: 'signed out' } },
    errors: [400, 403],
  }, async (req, res) => {
    const principal = req.principal;
    if (principal?.kind !== 'session') throw new AppError(400, 'not_a_session', 'this request is authenticated by an API key, not a session; revoke keys with DELETE /v1/api-keys/:id');
    await signOut(db, principal.sessionId);
    res.clearCookie(SESSION_COOKIE, cookieOptions(req));
    res.status(204).end();
  });

  return api.router;
}

/** `GET /v1/me`: who is calling, and for a session its CSRF token. */
export function meRouter(): Router {
  const api = new ApiRouter('/v1');
  api.route('get', '/me', {
    summary: 'Who is calling: the user and its CSRF token for a session; the API key for a machine',
    responses: {
      200: z.union([
        z.strictObject({ user: sessionUserSchema, csrfToken: z.string() }),
        z.strictObject({ user: z.null(), apiKey: z.strictObject({ id: z.int(), name: z.string(), role: roleSchema }) }),
      ]),
    },
  }, (req: Request, res) => {
    const p = req.principal;
    if (!p) throw new UnauthorizedError();
    if (p.kind === 'session') res.json({ user: p.user, csrfToken: p.csrfToken });
    else res.json({ user: null, apiKey: { id: p.keyId, name: p.name, role: p.role } });
  });
  return api.router;
}
