import { sql, type Kysely } from 'kysely';

/**
 * Fixed-window request counters for rate limits when PostgreSQL is the shared store (the
 * PostgreSQL queue backend: one shop, no Redis). One row per limited subject; expired windows
 * are reset in place by the same upsert, and swept by the api now and then.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE UNLOGGED TABLE rate_limit_counters (
      key text PRIMARY KEY,
      window_ends_at timestamptz NOT NULL,
      hits integer NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX rate_limit_counters_window_ends_at_idx ON rate_limit_counters (window_ends_at)`.execute(db);
}
