import type { ColumnType } from 'kysely';

/** The column migration 0061 adds to `products`. */
export interface ProductSearchColumns {
  /** lower(unaccent(name)), kept by a trigger (migration 0061); never written by the app. */
  search_name: ColumnType<string, never, never>;
}
