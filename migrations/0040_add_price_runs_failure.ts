import { sql, type Kysely } from 'kysely';

/**
 * A repricing run whose chunk failed for good becomes `failed` with a reason and a time, so the
 * run row says what the queue knows. Runs marked failed before this column existed get a
 * placeholder reason; the check keeps status and reason together from now on.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE price_runs ADD COLUMN failed_at timestamptz, ADD COLUMN failure_reason text`.execute(db);
  await sql`UPDATE price_runs SET failed_at = coalesce(completed_at, created_at), failure_reason = 'failed before reasons were recorded' WHERE status = 'failed'`.execute(db);
  await sql`
    ALTER TABLE price_runs ADD CONSTRAINT price_runs_failure_check
      CHECK ((status = 'failed') = (failure_reason IS NOT NULL) AND (failure_reason IS NULL) = (failed_at IS NULL))`.execute(db);
}
