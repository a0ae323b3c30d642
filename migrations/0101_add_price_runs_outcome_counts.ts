import { sql, type Kysely } from 'kysely';

/**
 * A repricing run's summary says how many prices the change limit held back and how many the
 * margin floor raised, next to how many changed. Runs recorded before count 0.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE price_runs
      ADD COLUMN products_capped integer NOT NULL DEFAULT 0,
      ADD COLUMN products_at_floor integer NOT NULL DEFAULT 0`.execute(db);
}
