import type { ColumnType, Generated } from 'kysely';
import type { Role } from '../database.js';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** A person who signs in (machines use API keys). `username` is lower case. */
export interface UsersTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  role: Role;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  password_hash: string;
  password_changed_at: Timestamp;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** A signed-in browser. Only the SHA-256 of the cookie's token is stored. */
export interface SessionsTable {
  id: Generated<number>;
  token_hash: string;
  user_id: number;
  created_at: CreatedAt;
  last_seen_at: Timestamp;
  revoked_at: Date | null;
  revoked_reason: SessionRevokedReason | null;
  user_agent: string | null;
  address: string | null;
}

export type SessionRevokedReason = 'signed_out' | 'password_changed' | 'user_deactivated';
export type LoginFailureScope = 'username' | 'address';

export interface LoginFailuresTable {
  scope: LoginFailureScope;
  key: string;
  failures: number;
  window_started_at: Date;
  last_failure_at: Date;
  locked_until: Date | null;
}

export interface UserTables {
  users: UsersTable;
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
}
