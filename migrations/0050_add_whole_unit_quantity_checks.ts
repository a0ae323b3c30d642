import { sql, type Kysely } from 'kysely';

/**
 * Products counted in units take whole quantities, in the intake and in the ledger. A CHECK
 * cannot look at the product, so a trigger does, and reports a check violation under the
 * trigger's own name (code matches on it). Rows written before this migration are left as
 * they are (the ledger is append-only); new ones must be whole.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION refuse_fractional_unit_quantity() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.quantity <> trunc(NEW.quantity) AND EXISTS (SELECT 1 FROM products WHERE id = NEW.product_id AND unit = 'unit') THEN
        RAISE EXCEPTION 'product % is counted in units; quantity % must be whole', NEW.product_id, NEW.quantity
          USING ERRCODE = 'check_violation', CONSTRAINT = TG_ARGV[0], TABLE = TG_TABLE_NAME;
      END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER movement_requests_unit_quantity_whole BEFORE INSERT OR UPDATE OF quantity, product_id ON movement_requests
      FOR EACH ROW EXECUTE FUNCTION refuse_fractional_unit_quantity('movement_requests_unit_quantity_whole')`.execute(db);
  await sql`
    CREATE TRIGGER stock_movements_unit_quantity_whole BEFORE INSERT ON stock_movements
      FOR EACH ROW EXECUTE FUNCTION refuse_fractional_unit_quantity('stock_movements_unit_quantity_whole')`.execute(db);
}
