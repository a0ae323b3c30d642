import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { connectionErrorLogger } from '../logging.js';
import type { CoreTables } from './tables/core.js';
import type { ForecastTables } from './tables/forecasts.js';
import type { InvoiceTables } from './tables/invoices.js';
import type { PricingTables } from './tables/pricing.js';

// int8 (ids, centavos, counts) as JS numbers: every value we store is far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
// `date` columns are calendar days, not instants: read them as 'YYYY-MM-DD' strings.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export type * from './tables/columns.js';
export type * from './tables/core.js';
export type * from './tables/pricing.js';
export type * from './tables/invoices.js';
export type * from './tables/forecasts.js';

/** Kysely's table map: every table, each declared once in `tables/<capability>.ts`. */
export interface DB extends CoreTables, PricingTables, InvoiceTables, ForecastTables {}

export type Database = Kysely<DB>;

export interface DatabaseOptions {
  url: string;
  max?: number;
  applicationName?: string;
}

export function createDatabase({ url, max = 10, applicationName = 'gondola' }: DatabaseOptions): Database {
  const pool = new pg.Pool({ connectionString: url, max, application_name: applicationName });
  // An idle client losing its connection (e.g. PostgreSQL restart) must not crash the process.
  pool.on('error', connectionErrorLogger('database'));
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}
