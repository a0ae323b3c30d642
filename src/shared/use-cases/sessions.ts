import { timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Database, Role } from '../db/database.js';
import { failureDelayMs, retryAfterSeconds, type LoginThrottlePolicy } from '../domain/auth.js';
import { TooManyRequestsError, UnauthorizedError } from '../errors.js';
import {
  clearFailures,
  csrfTokenFor,
  currentLock,
  findLiveSession,
  findUserCredentials,
  generateSessionToken,
  hashSessionToken,
  insertSession,
  recordFailure,
  purgeOldSessions,
  purgeStaleFailures,
  revokeSession,
  revokeSessionByTokenHash,
  touchSession,
  type FailureKey,
} from '../db/repositories/users.repository.js';

/** argon2id with the library's defaults (19 MiB, 2 passes, 1 lane: the OWASP baseline). */
export const hashPassword = (password: string) => hash(password);

let dummyHash: Promise<string> | undefined;

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
}

export interface SignedIn {
  user: SessionUser;
  sessionId: number;
  /** The cookie's value; known in clear only now. */
  token: string;
  csrfToken: string;
}

const TIME_ZONE = 'America/Argentina/Buenos_Aires';
const clock = (d: Date) => new Intl.DateTimeFormat('es-AR', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hour12: false }).format(d);

function lockedError(scope: 'username' | 'address', lockedUntil: Date, now: Date): TooManyRequestsError {
  const seconds = retryAfterSeconds(lockedUntil, now);
  const minutes = Math.ceil(seconds / 60);
  const who = scope === 'username' ? 'this user' : 'this device';
  return new TooManyRequestsError(
    'login_locked',
    `too many wrong passwords for ${who}; sign-in is locked for ${minutes} minute${minutes === 1 ? '' : 's'}, try again after ${clock(lockedUntil)} (Argentina time)`,
    seconds,
    { lockedUntil: lockedUntil.toISOString(), scope },
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Checks a username and password and opens a session. Unknown users and wrong passwords get the
 * same answer after the same work (a dummy hash is verified). Failures count per username and per
 * address; past a limit both are locked for a while and answered 429 before any password check.
 */
export async function signIn(
  db: Database,
  policy: LoginThrottlePolicy,
  input: { username: string; password: string; address: string | null; userAgent: string | null },
): Promise<SignedIn> {
  const username = input.username.trim().toLowerCase();
  const keys: FailureKey[] = [{ scope: 'username', key: username }];
  if (input.address) keys.push({ scope: 'address', key: input.address });
  const lock = await currentLock(db, keys);
  if (lock) throw lockedError(lock.scope, lock.lockedUntil, lock.now);

  const user = await findUserCredentials(db, username);
  const passwordOk = user
    ? await verify(user.password_hash, input.password).catch(() => false)
    : await verify(await (dummyHash ??= hashPassword(generateSessionToken())), input.password).catch(() => false);

  if (user && passwordOk && user.active) {
    await clearFailures(db, { scope: 'username', key: username });
    await Promise.all([purgeOldSessions(db, user.id), purgeStaleFailures(db)]);
    const token = generateSessionToken();
    const session = await insertSession(db, { tokenHash: hashSessionToken(token), userId: user.id, userAgent: input.userAgent, address: input.address });
    return { user: { id: user.id, username: user.username, displayName: user.display_name, role: user.role }, sessionId: session.id, token, csrfToken: csrfTokenFor(token) };
  }

  const results = await Promise.all(
    keys.map((k) => recordFailure(db, k, { limit: k.scope === 'username' ? policy.usernameLimit : policy.addressLimit, windowMs: policy.lockMs, lockMs: policy.lockMs }).then((r) => ({ ...r, scope: k.scope }))),
  );
  const locked = results.filter((r) => r.lockedUntil).sort((a, b) => b.lockedUntil!.getTime() - a.lockedUntil!.getTime())[0];
  if (locked) throw lockedError(locked.scope, locked.lockedUntil!, locked.now);
  await sleep(failureDelayMs(Math.max(...results.map((r) => r.failures)), policy));
  throw new UnauthorizedError('the username or the password is wrong', 'invalid_credentials');
}

export interface LiveSession {
  sessionId: number;
  user: SessionUser;
  csrfToken: string;
}

/** How often a live session's last_seen_at is written (not on every request). */
const TOUCH_EVERY_MS = 60_000;

/** The live session for a cookie token, or undefined (unknown, revoked, idle too long, user inactive). */
export async function resumeSession(db: Database, token: string, idleMs: number): Promise<LiveSession | undefined> {
  const row = await findLiveSession(db, hashSessionToken(token), idleMs);
  if (!row) return undefined;
  if (Date.now() - row.last_seen_at.getTime() > TOUCH_EVERY_MS) await touchSession(db, row.session_id);
  return { sessionId: row.session_id, user: { id: row.id, username: row.username, displayName: row.display_name, role: row.role }, csrfToken: csrfTokenFor(token) };
}

/** Constant-time comparison of a presented CSRF token with the session's. */
export function csrfTokenMatches(expected: string, presented: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function signOut(db: Database, sessionId: number): Promise<void> {
  await revokeSession(db, sessionId, 'signed_out');
}

/** Ends the session a cookie token belongs to, if it is still open (a new sign-in replaces it). */
export async function endSessionOfToken(db: Database, token: string): Promise<void> {
  await revokeSessionByTokenHash(db, hashSessionToken(token), 'signed_out');
}
