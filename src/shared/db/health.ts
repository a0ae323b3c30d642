import { sql, type Kysely } from 'kysely';

/** One round trip to PostgreSQL (readiness checks). */
export async function pingDatabase<DB>(db: Kysely<DB>): Promise<void> {
  await sql`SELECT 1`.execute(db);
}
