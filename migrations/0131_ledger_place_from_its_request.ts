import { sql, type Kysely } from 'kysely';

/**
 * A ledger row's product and location are its movement request's: the worker's insert reads them
 * from the request row it references (`movement_id`, still a foreign key) — the product, and the
 * request's location for leg 0 or its destination for leg 1 — and the request was checked against
 * products and locations when it was recorded (its own foreign keys). Checking them again per
 * ledger row (two key-share lookups per row) took 0.85 ms of the 5.6 ms apply statement of a
 * 127-movement group (4.4 ms without them), and made every concurrent apply share-lock the same
 * few location rows (MultiXacts on a hot parent). Neither products nor locations have a delete
 * path, and a request referencing them blocks their deletion.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_product_id_fkey`.execute(db);
  await sql`ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_location_id_fkey`.execute(db);
}
