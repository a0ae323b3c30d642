import { randomInt } from 'node:crypto';
import type { Database, Role } from '../db/database.js';
import { withTransaction, pgErrorCode } from '../db/transaction.js';
import type { AuditHook } from '../db/repositories/audit.repository.js';
import { passwordProblem } from '../domain/auth.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { clearFailures, countOtherActiveAdmins, findUserCredentials, insertUser, lockUser, revokeUserSessions, updateUserRow, type UserView } from '../db/repositories/users.repository.js';
import { hashPassword } from './sessions.js';

function checkPassword(password: string, username: string): void {
  const problem = passwordProblem(password, username);
  if (problem) throw new ValidationError(`the password ${problem}`, [{ path: 'password', message: problem }]);
}

/** Creates a user (admin use). The username is stored in lower case. */
export async function createUser(db: Database, input: { username: string; displayName: string; role: Role; password: string }, audit?: AuditHook): Promise<UserView> {
  const username = input.username.trim().toLowerCase();
  checkPassword(input.password, username);
  const passwordHash = await hashPassword(input.password);
  try {
    return await withTransaction(db, async (trx) => {
      const user = await insertUser(trx, { username, displayName: input.displayName, role: input.role, passwordHash });
      await audit?.(trx, { action: 'user.created', entityType: 'user', entityId: user.id, after: user });
      return user;
    });
  } catch (err) {
    if (pgErrorCode(err) === '23505') throw new ConflictError('username_taken', `a user named ${username} already exists; PATCH /v1/users/:id to change it`);
    throw err;
  }
}

export interface UserChange {
  displayName?: string;
  role?: Role;
  active?: boolean;
  password?: string;
}

/**
 * Changes a user. Deactivating it or setting a new password revokes its sessions in the same
 * transaction (a new password also lifts a sign-in lock on the username); the last active admin
 * cannot be deactivated or demoted.
 */
export async function updateUser(db: Database, id: number, change: UserChange, audit?: AuditHook): Promise<{ user: UserView; sessionsRevoked: number }> {
  const existing = await findUserById(db, id);
  if (change.password !== undefined) checkPassword(change.password, existing.username);
  // Slow hashing before the transaction opens.
  const passwordHash = change.password !== undefined ? await hashPassword(change.password) : undefined;
  return withTransaction(db, async (trx) => {
    const current = await lockUser(trx, id);
    if (!current) throw new NotFoundError('user', String(id));
    const losesAdmin = current.role === 'admin' && current.active && (change.active === false || (change.role !== undefined && change.role !== 'admin'));
    if (losesAdmin && (await countOtherActiveAdmins(trx, id)) === 0) {
      throw new ConflictError('last_admin', `${current.username} is the last active admin; make another user admin first`);
    }
    const user = await updateUserRow(trx, id, { displayName: change.displayName, role: change.role, active: change.active, passwordHash });
    let sessionsRevoked = 0;
    if (change.active === false && current.active) sessionsRevoked += await revokeUserSessions(trx, id, 'user_deactivated');
    if (passwordHash !== undefined) {
      sessionsRevoked += await revokeUserSessions(trx, id, 'password_changed');
      // A new password from an admin also lifts a lock on the username (the person was told the new one).
      await clearFailures(trx, { scope: 'username', key: current.username });
    }
    await audit?.(trx, { action: 'user.changed', entityType: 'user', entityId: id, before: current, after: { ...user, passwordChanged: passwordHash !== undefined } });
    return { user, sessionsRevoked };
  });
}

async function findUserById(db: Database, id: number) {
  const row = await db.selectFrom('users').select(['id', 'username']).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('user', String(id));
  return row;
}

/** A random password a person can type: 16 characters from an alphabet without look-alikes. */
export function generatePassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return Array.from({ length: 16 }, () => alphabet[randomInt(alphabet.length)]).join('');
}

/**
 * Creates `username` with a random password when it does not exist yet; returns the password
 * (the only moment it is known in clear), or undefined when the user was already there.
 */
export async function ensureUser(db: Database, u: { username: string; displayName: string; role: Role }): Promise<string | undefined> {
  if (await findUserCredentials(db, u.username)) return undefined;
  const password = generatePassword();
  try {
    await insertUser(db, { ...u, passwordHash: await hashPassword(password) });
  } catch (err) {
    if (pgErrorCode(err) === '23505') return undefined; // created concurrently
    throw err;
  }
  return password;
}
