import type { ColumnType, Generated } from 'kysely';
import type { MovementType } from '../../domain/stock.js';
import type { CreatedAt, Decimal, Timestamp } from './columns.js';
import type { ProductForecastColumns } from './forecasts.js';
import type { ProductPricingColumns } from './pricing.js';

export type { MovementType };

export type Role = 'admin' | 'deposito' | 'negocio' | 'ml_service' | 'viewer';
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

/** `products`: the core columns, with those pricing (0010), forecasting (0030) and search (0061) add. */
export interface ProductsTable extends ProductPricingColumns, ProductForecastColumns {
  id: Generated<number>;
  sku: string;
  barcode: string | null;
  name: string;
  category: string;
  unit: Unit;
  reorder_point: ColumnType<string, string | number | undefined, string | number>;
  allow_negative_stock: ColumnType<boolean, boolean | undefined, boolean>;
  /** lower(unaccent(name)), kept by a trigger (migration 0061); never written by the app. */
  search_name: ColumnType<string, never, never>;
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

/** One row: the reconciler's watermark (migration 0132). */
export interface MovementReconcileStateTable {
  singleton: ColumnType<boolean, never, never>;
  /** Every request created before this was seen decided, or redelivered while queued. */
  checked_until: Timestamp;
}

export interface MovementRequestsTable {
  id: string;
  idempotency_key: string;
  batch_id: string | null;
  batch_seq: number | null;
  /** Requests recorded by one intake INSERT share the job `mg-<intake_group>` (migration 0134); NULL: a job of its own or a batch's. */
  intake_group: string | null;
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
  /** Who submitted a manual correction (adjustment, count), for its audit event; NULL otherwise. */
  actor: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
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

/** The core tables (migration 0001). */
export interface CoreTables {
  api_keys: ApiKeysTable;
  locations: LocationsTable;
  products: ProductsTable;
  movement_batches: MovementBatchesTable;
  movement_requests: MovementRequestsTable;
  movement_reconcile_state: MovementReconcileStateTable;
  stock_levels: StockLevelsTable;
  stock_movements: StockMovementsTable;
  processed_jobs: ProcessedJobsTable;
  outbox: OutboxTable;
}
