import { createHash, createHmac, randomBytes } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Database, DB, LoginFailureScope, Role, SessionRevokedReason } from '../database.js';

export interface UserView {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  active: boolean;
  passwordChangedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

const userColumns = ['id', 'username', 'display_name', 'role', 'active', 'password_changed_at', 'created_at', 'updated_at'] as const;

function toUserView(r: { id: number; username: string; display_name: string; role: Role; active: boolean; password_changed_at: Date; created_at: Date; updated_at: Date }): UserView {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    active: r.active,
    passwordChangedAt: r.password_changed_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function listUsers(db: Database): Promise<UserView[]> {
  const rows = await db.selectFrom('users').select(userColumns).orderBy('username').execute();
  return rows.map(toUserView);
}

export async function getUser(db: Database, id: number): Promise<UserView | undefined> {
  const row = await db.selectFrom('users').select(userColumns).where('id', '=', id).executeTakeFirst();
  return row && toUserView(row);
}

/** The user and its password hash, for signing in. */
export async function findUserCredentials(db: Database, username: string) {
  return db.selectFrom('users').select([...userColumns, 'password_hash']).where('username', '=', username).executeTakeFirst();
}

export async function insertUser(db: Database, u: { username: string; displayName: string; role: Role; passwordHash: string }): Promise<UserView> {
  const row = await db
    .insertInto('users')
    .values({ username: u.username, display_name: u.displayName, role: u.role, password_hash: u.passwordHash })
    .returning(userColumns)
    .executeTakeFirstOrThrow();
  return toUserView(row);
}

/** Locks the user's row for an update in the same transaction. */
export async function lockUser(trx: Transaction<DB>, id: number) {
  return trx.selectFrom('users').select(userColumns).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateUserRow(
  trx: Transaction<DB>,
  id: number,
  change: { displayName?: string; role?: Role; active?: boolean; passwordHash?: string },
): Promise<UserView> {
  const row = await trx
    .updateTable('users')
    .set({
      ...(change.displayName !== undefined && { display_name: change.displayName }),
      ...(change.role !== undefined && { role: change.role }),
      ...(change.active !== undefined && { active: change.active }),
      ...(change.passwordHash !== undefined && { password_hash: change.passwordHash, password_changed_at: sql<Date>`now()` }),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .returning(userColumns)
    .executeTakeFirstOrThrow();
  return toUserView(row);
}

/** Active admins other than `exceptId` (an admin cannot demote or deactivate the last one). */
export async function countOtherActiveAdmins(trx: Transaction<DB>, exceptId: number): Promise<number> {
  const row = await trx
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .where('active', '=', true)
    .where('id', '<>', exceptId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// Sessions ------------------------------------------------------------------------------------

export const hashSessionToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * The CSRF token of a session, derived from its secret token (HMAC), so nothing more is stored
 * and it cannot be turned back into the cookie's token.
 */
export const csrfTokenFor = (token: string) => createHmac('sha256', token).update('gondola csrf').digest('base64url');

/** A new random 256-bit session token (only its hash is stored). */
export const generateSessionToken = () => randomBytes(32).toString('base64url');

export async function insertSession(db: Database, s: { tokenHash: string; userId: number; userAgent: string | null; address: string | null }) {
  return db
    .insertInto('sessions')
    .values({ token_hash: s.tokenHash, user_id: s.userId, user_agent: s.userAgent?.slice(0, 300) ?? null, address: s.address })
    .returning(['id', 'created_at'])
    .executeTakeFirstOrThrow();
}

/** A live session (not revoked, seen within `idleMs`, its user active) with its user. */
export async function findLiveSession(db: Database, tokenHash: string, idleMs: number) {
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.id as session_id', 's.last_seen_at', 'u.id', 'u.username', 'u.display_name', 'u.role'])
    .where('s.token_hash', '=', tokenHash)
    .where('s.revoked_at', 'is', null)
    .where('u.active', '=', true)
    .where('s.last_seen_at', '>', sql<Date>`now() - make_interval(secs => ${idleMs / 1000})`)
    .executeTakeFirst();
}

export async function touchSession(db: Database, sessionId: number): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: sql<Date>`now()` }).where('id', '=', sessionId).execute();
}

export async function revokeSession(db: Database, sessionId: number, reason: SessionRevokedReason): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: sql<Date>`now()`, revoked_reason: reason }).where('id', '=', sessionId).where('revoked_at', 'is', null).execute();
}

export async function revokeSessionByTokenHash(db: Database, tokenHash: string, reason: SessionRevokedReason): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: sql<Date>`now()`, revoked_reason: reason }).where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).execute();
}

/** Forgets a user's sessions that ended (revoked or idle) more than 30 days ago; keeps the table small. */
export async function purgeOldSessions(db: Database, userId: number): Promise<void> {
  await db
    .deleteFrom('sessions')
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('revoked_at', '<', sql<Date>`now() - interval '30 days'`), eb('last_seen_at', '<', sql<Date>`now() - interval '31 days'`)]))
    .execute();
}

/** Revokes every live session of a user; returns how many. */
export async function revokeUserSessions(db: Database, userId: number, reason: SessionRevokedReason): Promise<number> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: sql<Date>`now()`, revoked_reason: reason })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

// Login failures ------------------------------------------------------------------------------

export interface FailureKey {
  scope: LoginFailureScope;
  key: string;
}

/** The latest lock among `keys` still in force, if any. */
export async function currentLock(db: Database, keys: FailureKey[]): Promise<{ scope: LoginFailureScope; lockedUntil: Date; now: Date } | undefined> {
  if (!keys.length) return undefined;
  const row = await db
    .selectFrom('login_failures')
    .select(['scope', 'locked_until', sql<Date>`now()`.as('now')])
    .where((eb) => eb.or(keys.map((k) => eb.and([eb('scope', '=', k.scope), eb('key', '=', k.key)]))))
    .where('locked_until', '>', sql<Date>`now()`)
    .orderBy('locked_until', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.locked_until ? { scope: row.scope, lockedUntil: row.locked_until, now: row.now } : undefined;
}

/**
 * Counts one failure for a key in one atomic upsert: a window older than `windowMs` starts over,
 * and reaching `limit` inside it sets a lock of `lockMs`.
 */
export async function recordFailure(db: Database, k: FailureKey, { limit, windowMs, lockMs }: { limit: number; windowMs: number; lockMs: number }) {
  const windowStart = sql<Date>`now() - make_interval(secs => ${windowMs / 1000})`;
  const lockEnd = sql<Date>`now() + make_interval(secs => ${lockMs / 1000})`;
  const { rows } = await sql<{ failures: number; locked_until: Date | null; now: Date }>`
    INSERT INTO login_failures AS f (scope, key, failures, window_started_at, last_failure_at, locked_until)
    VALUES (${k.scope}, ${k.key}, 1, now(), now(), CASE WHEN 1 >= ${limit}::int THEN ${lockEnd} END)
    ON CONFLICT (scope, key) DO UPDATE SET
      failures = CASE WHEN f.window_started_at < ${windowStart} THEN 1 ELSE f.failures + 1 END,
      window_started_at = CASE WHEN f.window_started_at < ${windowStart} THEN now() ELSE f.window_started_at END,
      last_failure_at = now(),
      locked_until = CASE
        WHEN (CASE WHEN f.window_started_at < ${windowStart} THEN 1 ELSE f.failures + 1 END) >= ${limit}::int THEN ${lockEnd}
        ELSE f.locked_until END
    RETURNING failures, locked_until, now() AS now`.execute(db);
  const row = rows[0]!;
  return { failures: row.failures, lockedUntil: row.locked_until && row.locked_until > row.now ? row.locked_until : null, now: row.now };
}

/** Forgets failure counters untouched for a day and not locked (guessed usernames would pile up). */
export async function purgeStaleFailures(db: Database): Promise<void> {
  await db
    .deleteFrom('login_failures')
    .where('last_failure_at', '<', sql<Date>`now() - interval '1 day'`)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', sql<Date>`now()`)]))
    .execute();
}

/** A successful sign-in forgets the username's failures (the address keeps its own count). */
export async function clearFailures(db: Database, k: FailureKey): Promise<void> {
  await db.deleteFrom('login_failures').where('scope', '=', k.scope).where('key', '=', k.key).execute();
}
