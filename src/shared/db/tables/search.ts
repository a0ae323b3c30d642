import type { ColumnType } from 'kysely';

declare module '../database.js' {
  interface ProductsTable {
    /** lower(unaccent(name)), kept by a trigger (migration 0061); never written by the app. */
    search_name: ColumnType<string, never, never>;
  }
}

export {};
