import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, DateColumn, Decimal } from './columns.js';

export interface DailySalesTable {
  product_id: number;
  location_id: number;
  day: DateColumn;
  quantity: Decimal;
}

export interface ForecastWatermarksTable {
  name: string;
  last_movement_id: ColumnType<number, number | undefined, number>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ModelVersionsTable {
  id: Generated<number>;
  version: string;
  kind: ColumnType<string, string | undefined, string>;
  trained_from: DateColumn;
  trained_through: DateColumn;
  training_rows: number;
  training_ms: number;
  feature_names: string[];
  validation: ColumnType<unknown, string, string>;
  serving_plan: ColumnType<unknown, string, string>;
  model: ColumnType<unknown, string, string>;
  onnx: Buffer;
  onnx_sha256: string;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  activation_reason: string;
  created_at: CreatedAt;
  activated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface ForecastRunsTable {
  id: Generated<number>;
  run_key: string;
  origin_day: DateColumn;
  model_version: string;
  chunks_total: number;
  chunks_done: ColumnType<number, number | undefined, number>;
  recent_wape: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  started_at: CreatedAt;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface ForecastRunChunksTable {
  run_id: number;
  chunk: number;
  rows_written: number;
  done_at: CreatedAt;
}

export interface ForecastsTable {
  id: Generated<number>;
  model_version: string;
  product_id: number;
  location_id: number;
  day: DateColumn;
  origin_day: DateColumn;
  horizon: number;
  method: string;
  product_class: string;
  mean: Decimal;
  p50: Decimal;
  p90: Decimal;
  created_at: CreatedAt;
}

export interface ReorderSuggestionsTable {
  id: Generated<number>;
  product_id: number;
  location_id: number;
  origin_day: DateColumn;
  model_version: string;
  supplier_code: string | null;
  demand: Decimal;
  safety_stock: Decimal;
  on_hand: Decimal;
  on_order: Decimal;
  pack_size: Decimal;
  packs: number;
  quantity: Decimal;
  created_at: CreatedAt;
}

export interface PurchaseOrderDraftsTable {
  id: Generated<number>;
  draft_key: string;
  supplier_code: string;
  location_id: number;
  origin_day: DateColumn;
  status: ColumnType<'draft' | 'ordered' | 'received' | 'cancelled', 'draft' | 'ordered' | 'received' | 'cancelled' | undefined, 'draft' | 'ordered' | 'received' | 'cancelled'>;
  created_at: CreatedAt;
  /** Who and when (migration 0100); `by` is "name (key:3)" or "name (user:7)". */
  ordered_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  ordered_by: ColumnType<string | null, string | null | undefined, string | null>;
  cancelled_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  cancelled_by: ColumnType<string | null, string | null | undefined, string | null>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** Every state change of a purchase order (migration 0100). */
export interface PurchaseOrderEventsTable {
  id: Generated<number>;
  draft_id: number;
  from_status: string;
  to_status: string;
  /** `key:3` or `user:7`. */
  actor: string;
  actor_name: string;
  at: ColumnType<Date, Date | undefined, never>;
}

export interface PurchaseOrderDraftLinesTable {
  draft_id: number;
  product_id: number;
  packs: number;
  quantity: Decimal;
}

/** Columns migration 0030 adds to `products`. */
export interface ProductForecastColumns {
  supplier_code: string | null;
  supplier_pack_size: ColumnType<string, string | number | undefined, string | number>;
  lead_time_days: ColumnType<number, number | undefined, number>;
  review_period_days: ColumnType<number, number | undefined, number>;
}

/** The forecasting tables (migration 0030). */
export interface ForecastTables {
  daily_sales: DailySalesTable;
  forecast_watermarks: ForecastWatermarksTable;
  model_versions: ModelVersionsTable;
  forecast_runs: ForecastRunsTable;
  forecast_run_chunks: ForecastRunChunksTable;
  forecasts: ForecastsTable;
  reorder_suggestions: ReorderSuggestionsTable;
  purchase_order_drafts: PurchaseOrderDraftsTable;
  purchase_order_draft_lines: PurchaseOrderDraftLinesTable;
  purchase_order_events: PurchaseOrderEventsTable;
}
