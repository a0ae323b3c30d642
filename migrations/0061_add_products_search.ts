import { sql, type Kysely } from 'kysely';

/**
 * Search as you type: `products.search_name` is the name in lower case without accents
 * ("Azúcar" → "azucar"), kept by a trigger, with a trigram index (contains) and a pattern index
 * (prefix); SKU and barcode get prefix indexes. The ledger gets an index per product and time for
 * the kardex and the stock history.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS unaccent`.execute(db);
  await sql`ALTER TABLE products ADD COLUMN search_name text NOT NULL DEFAULT ''`.execute(db);
  // A trigger rather than a generated column: unaccent() is not immutable (its dictionary can change).
  await sql`
    CREATE FUNCTION products_set_search_name() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
    BEGIN
      NEW.search_name := lower(unaccent(NEW.name));
      RETURN NEW;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER products_search_name BEFORE INSERT OR UPDATE OF name ON products
    FOR EACH ROW EXECUTE FUNCTION products_set_search_name()`.execute(db);
  await sql`UPDATE products SET search_name = lower(unaccent(name))`.execute(db);
  await sql`CREATE INDEX products_search_name_trgm_idx ON products USING gin (search_name gin_trgm_ops)`.execute(db);
  await sql`CREATE INDEX products_search_name_prefix_idx ON products (search_name text_pattern_ops)`.execute(db);
  await sql`CREATE INDEX products_sku_lower_trgm_idx ON products USING gin (lower(sku) gin_trgm_ops)`.execute(db);
  await sql`CREATE INDEX products_sku_lower_prefix_idx ON products (lower(sku) text_pattern_ops)`.execute(db);
  await sql`CREATE INDEX products_barcode_prefix_idx ON products (barcode text_pattern_ops)`.execute(db);
  await sql`CREATE INDEX stock_movements_product_occurred_idx ON stock_movements (product_id, occurred_at, id)`.execute(db);
}
