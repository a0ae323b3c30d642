import { Kysely, PostgresDialect, type ColumnType, type Generated } from 'kysely';
import pg from 'pg';
import { logger } from '../logging.js';

// int8 (ids, centavos, counts) as JS numbers: every value we store is far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
// `date` columns are calendar days, not instants: read them as 'YYYY-MM-DD' strings.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

/** Numeric columns: read as exact decimal strings, written as strings or numbers. */
export type Decimal = ColumnType<string, string | number, string | number>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export type Role = 'admin' | 'deposito' | 'negocio' | 'ml_service' | 'viewer';
export type MovementType = 'sale' | 'receipt' | 'adjustment' | 'count' | 'transfer';
export type MovementStatus = 'queued' | 'applied' | 'rejected';
export type Unit = 'unit' | 'kg' | 'l';

export interface ApiKeysTable {
  id: Generated<number>;
  name: string;
  role: Role;
  key_hash: string;
  key_prefix: string;
  created_at: CreatedAt;
  revoked_at: Timestamp | null;
}

export interface LocationsTable {
  id: Generated<number>;
  code: string;
  name: string;
  created_at: CreatedAt;
}

export interface ProductsTable {
  id: Generated<number>;
  sku: string;
  barcode: string | null;
  name: string;
  category: string;
  unit: Unit;
  reorder_point: ColumnType<string, string | number | undefined, string | number>;
  allow_negative_stock: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface MovementBatchesTable {
  id: string;
  idempotency_key: string;
  atomic: boolean;
  movement_count: number;
  created_at: CreatedAt;
}

export interface MovementRequestsTable {
  id: string;
  idempotency_key: string;
  batch_id: string | null;
  batch_seq: number | null;
  type: MovementType;
  product_id: number;
  location_id: number;
  to_location_id: number | null;
  quantity: Decimal;
  unit_cost_cents: number | null;
  reason: string | null;
  reference: string | null;
  occurred_at: Timestamp;
  status: ColumnType<MovementStatus, MovementStatus | undefined, MovementStatus>;
  rejection_reason: string | null;
  rejection_detail: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  balance_after: ColumnType<string | null, string | null, string | null>;
  to_balance_after: ColumnType<string | null, string | null, string | null>;
  created_at: CreatedAt;
  processed_at: Timestamp | null;
}

export interface StockLevelsTable {
  product_id: number;
  location_id: number;
  quantity: Decimal;
  updated_at: Timestamp;
}

export interface StockMovementsTable {
  id: Generated<number>;
  movement_id: string;
  leg: number;
  idempotency_key: string;
  type: MovementType;
  product_id: number;
  location_id: number;
  quantity: Decimal;
  unit_cost_cents: number | null;
  reason: string | null;
  reference: string | null;
  occurred_at: Timestamp;
  recorded_at: CreatedAt;
}

export interface ProcessedJobsTable {
  queue: string;
  job_key: string;
  result: ColumnType<unknown, string | null, never>;
  processed_at: CreatedAt;
}

export interface OutboxTable {
  id: Generated<number>;
  queue: string;
  job_name: string;
  job_id: string;
  payload: ColumnType<unknown, string, never>;
  created_at: CreatedAt;
  relayed_at: Timestamp | null;
}

/**
 * Kysely table map. Other capabilities extend it through declaration merging in their own
 * files (`declare module './database.js' { interface DB { … } }`), so no one edits this list.
 */
export interface DB {
  api_keys: ApiKeysTable;
  locations: LocationsTable;
  products: ProductsTable;
  movement_batches: MovementBatchesTable;
  movement_requests: MovementRequestsTable;
  stock_levels: StockLevelsTable;
  stock_movements: StockMovementsTable;
  processed_jobs: ProcessedJobsTable;
  outbox: OutboxTable;
}

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
