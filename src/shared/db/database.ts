import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { logger } from '../logging.js';
import type { CoreTables } from './tables/core.js';
import type { ForecastTables } from './tables/forecasts.js';
import type { InvoiceTables } from './tables/invoices.js';
import type { PricingTables } from './tables/pricing.js';
import type { UserTables } from './tables/users.js';

// int8 (ids, centavos, counts) as JS numbers: every value we store is far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
// `date` columns are calendar days, not instants: read them as 'YYYY-MM-DD' strings.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export type * from './tables/columns.js';
export type * from './tables/core.js';
export type * from './tables/pricing.js';
export type * from './tables/invoices.js';
export type * from './tables/forecasts.js';
export type * from './tables/users.js';

/** Kysely's table map: every table, each declared once in `tables/<capability>.ts`. */
export interface DB extends CoreTables, PricingTables, InvoiceTables, ForecastTables, UserTables {}

export type Database = Kysely<DB>;

export interface DatabaseOptions {
  url: string;
  max?: number;
  applicationName?: string;
  /** How long to wait for a connection (pool slot or TCP/login) before failing; 0 = forever. */
  connectionTimeoutMs?: number;
  /** Client-side bound on one query, so a silent network partition cannot hang a caller forever. */
  queryTimeoutMs?: number;
}

const poolLog = logger.child({ component: 'database' });

/**
 * A pool that survives PostgreSQL restarts: a connection lost while idle in the pool OR while
 * checked out between two queries (pg-pool removes its own listener while a client is lent,
 * so an unhandled `'error'` event on the client would crash the process) is logged and
 * dropped; the next query opens a fresh one.
 */
export function createPool({ url, max = 10, applicationName = 'gondola', connectionTimeoutMs = 5000, queryTimeoutMs = 120_000 }: DatabaseOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    application_name: applicationName,
    connectionTimeoutMillis: connectionTimeoutMs,
    query_timeout: queryTimeoutMs || undefined,
    keepAlive: true,
  });
  pool.on('error', (err) => poolLog.warn('idle database connection lost', { err: err.message }));
  pool.on('connect', (client) => {
    client.on('error', (err) => poolLog.warn('database connection lost', { err: err.message }));
  });
  return pool;
}

export function createDatabase(options: DatabaseOptions): Database {
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool: createPool(options) }) });
}
