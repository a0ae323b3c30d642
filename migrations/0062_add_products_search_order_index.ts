import { sql, type Kysely } from 'kysely';

/**
 * The first keystrokes of a search (one or two characters) match name prefixes only; an index on
 * search_name in byte order ("C") serves both the prefix match and the order, so such a search
 * reads only the rows of one page. It replaces the pattern index of 0061, which could not order.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS products_search_name_prefix_idx`.execute(db);
  await sql`CREATE INDEX products_search_name_c_idx ON products ((search_name COLLATE "C"), id)`.execute(db);
}
