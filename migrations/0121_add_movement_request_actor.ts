import { sql, type Kysely } from 'kysely';

/**
 * Who submitted a manual stock correction (an `adjustment` or a `count`): the API records the
 * actor at intake; the worker that decides the movement writes the audit event (with the balance
 * before and after, and the outcome) in its apply transaction. Other movement types leave it NULL.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE movement_requests ADD COLUMN actor jsonb`.execute(db);
}
