import { sql, type Kysely } from 'kysely';

/**
 * A supplier invoice whose costs move prices needs a role allowed to change prices: one such
 * person approves the costs (who and when is kept), and a stock role posts it. A correction after
 * the approval clears it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE invoices ADD COLUMN prices_approved_by text, ADD COLUMN prices_approved_at timestamptz`.execute(db);
}
