import { sql, type Kysely } from 'kysely';

/**
 * A movement's outcome is written as a heap-only (HOT) update: no index entry is written when a
 * request leaves `queued`. Until now the outcome UPDATE changed `status`, the predicate of the
 * reconciler's partial index `movement_requests_queued_idx`, so every decided movement wrote a new
 * entry into each of the table's four indexes, and its new row version went to another page (the
 * pages were full). Measured on 60 000 requests, one 1000-row outcome UPDATE: 14.5 ms as before,
 * 14 ms with free space on the pages but the partial index kept, 6.2 ms with both changes.
 *
 * - fillfactor 50: half of every new page stays free for the decided version of its rows (with 70,
 *   11 ms: a page's rows did not all fit twice). The table grows about 1.7× (a shop's year of
 *   movements stays well under a gigabyte); existing pages keep their layout until rewritten.
 * - The reconciler finds stragglers through a plain index on `created_at` from a stored watermark
 *   (`movement_reconcile_state.checked_until`: every request created before it has been seen
 *   decided or redelivered), never past a transaction still running (see findStaleQueued).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE movement_requests SET (fillfactor = 50)`.execute(db);
  await sql`CREATE INDEX movement_requests_created_idx ON movement_requests (created_at)`.execute(db);
  await sql`
    CREATE TABLE movement_reconcile_state (
      singleton boolean PRIMARY KEY DEFAULT true CONSTRAINT movement_reconcile_state_singleton CHECK (singleton),
      checked_until timestamptz NOT NULL
    )`.execute(db);
  // From the oldest request still queued (or now): nothing older is left undecided.
  await sql`INSERT INTO movement_reconcile_state (checked_until) SELECT coalesce(min(created_at), now()) FROM movement_requests WHERE status = 'queued'`.execute(db);
  await sql`DROP INDEX movement_requests_queued_idx`.execute(db);
}
