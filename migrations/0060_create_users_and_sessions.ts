import { sql, type Kysely } from 'kysely';

/**
 * People sign in: `users` (argon2id password hashes), server-side `sessions` (only a hash of the
 * token is stored) and `login_failures`, the counters that slow down and lock repeated wrong
 * passwords per username and per client address (in PostgreSQL, so every api replica sees them).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE users (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      username text NOT NULL CONSTRAINT users_username_key UNIQUE
        CONSTRAINT users_username_format_check CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,39}$'),
      display_name text NOT NULL,
      role text NOT NULL CONSTRAINT users_role_check CHECK (role IN ('admin','deposito','negocio','ml_service','viewer')),
      active boolean NOT NULL DEFAULT true,
      password_hash text NOT NULL,
      password_changed_at timestamptz NOT NULL DEFAULT now(),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE sessions (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      token_hash text NOT NULL CONSTRAINT sessions_token_hash_key UNIQUE,
      user_id bigint NOT NULL REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz,
      revoked_reason text,
      user_agent text,
      address text,
      CONSTRAINT sessions_revoked_check CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
    )`.execute(db);
  await sql`CREATE INDEX sessions_user_active_idx ON sessions (user_id) WHERE revoked_at IS NULL`.execute(db);

  // One row per (scope, key): failures inside the current window and, once over the limit, a lock.
  await sql`
    CREATE TABLE login_failures (
      scope text NOT NULL CONSTRAINT login_failures_scope_check CHECK (scope IN ('username','address')),
      key text NOT NULL,
      failures integer NOT NULL,
      window_started_at timestamptz NOT NULL,
      last_failure_at timestamptz NOT NULL,
      locked_until timestamptz,
      CONSTRAINT login_failures_pkey PRIMARY KEY (scope, key)
    )`.execute(db);
}
