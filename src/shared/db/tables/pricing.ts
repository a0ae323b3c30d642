import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, Decimal, Timestamp, WithDefault } from './columns.js';


export type PriceRunTrigger = 'api' | 'invoice' | 'index' | 'seed';
export type PriceRunScope = 'all' | 'category' | 'products';
export type PriceRunStatus = 'planned' | 'running' | 'completed' | 'failed';
export type IndexSeriesName = 'official' | 'expected';

export interface PricingRulesTable {
  id: Generated<number>;
  /** '*' is the default rule. */
  category: string;
  markup_pct: Decimal;
  min_margin_pct: Decimal;
  rounding_step_cents: number;
  ending_cents: WithDefault<number>;
  max_change_pct: Decimal | null;
  price_ahead_days: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface PriceRunsTable {
  id: string;
  idempotency_key: string | null;
  trigger: PriceRunTrigger;
  scope_kind: PriceRunScope;
  category: string | null;
  product_ids: number[] | null;
  reason: string;
  forced: WithDefault<boolean>;
  forward_rate_bp: WithDefault<number>;
  forward_period: string | null;
  rules: ColumnType<unknown, string, string>;
  status: WithDefault<PriceRunStatus>;
  chunks: ColumnType<[number, number][], string | undefined, string>;
  chunks_total: WithDefault<number>;
  chunks_done: WithDefault<number>;
  products_examined: WithDefault<number>;
  products_changed: WithDefault<number>;
  /** Products whose price the change limit held back / the margin floor raised (migration 0101). */
  products_capped: WithDefault<number>;
  products_at_floor: WithDefault<number>;
  requested_by: string | null;
  created_at: CreatedAt;
  enqueued_at: Timestamp | null;
  completed_at: Timestamp | null;
  /** Set with status `failed` (a chunk failed for good): when and why. */
  failed_at: Timestamp | null;
  failure_reason: string | null;
}

export interface PriceHistoryTable {
  id: Generated<number>;
  run_id: string;
  product_id: number;
  old_price_cents: number | null;
  new_price_cents: number;
  cost_cents: number;
  rule_id: number | null;
  reason: string;
  iva_rate_pct: Decimal;
  internal_tax_pct: Decimal;
  without_national_taxes_cents: number;
  iva_cents: number;
  internal_taxes_cents: number;
  unit_price_cents: number | null;
  unit_price_per: 'kg' | 'l' | null;
  changed_at: CreatedAt;
}

export interface LabelBatchesTable {
  id: Generated<number>;
  run_id: string;
  product_count: number;
  created_at: CreatedAt;
}

export interface ReplacementCostsTable {
  id: Generated<number>;
  product_id: number;
  cost_cents: number;
  previous_cost_cents: number | null;
  source: string;
  recorded_at: CreatedAt;
}

export interface CostAlertsTable {
  id: Generated<number>;
  product_id: number;
  replacement_cost_id: number;
  previous_cost_cents: number | null;
  new_cost_cents: number;
  change_bp: number | null;
  band_pct: number | null;
  selling_at_loss: boolean;
  price_cents: number | null;
  source: string;
  created_at: CreatedAt;
}

export interface InflationIndexTable {
  series: IndexSeriesName;
  period: string;
  rate_pct: Decimal;
  source: string;
  revision: WithDefault<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface InflationIndexRevisionsTable {
  id: Generated<number>;
  series: IndexSeriesName;
  period: string;
  revision: number;
  previous_rate_pct: Decimal;
  rate_pct: Decimal;
  source: string;
  recorded_at: CreatedAt;
}

/** Columns migration 0010 adds to `products`. */
export interface ProductPricingColumns {
  replacement_cost_cents: ColumnType<number | null, number | null | undefined, number | null>;
  cost_updated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  iva_rate_pct: ColumnType<string, string | number | undefined, string | number>;
  internal_tax_pct: ColumnType<string, string | number | undefined, string | number>;
  price_cents: ColumnType<number | null, number | null | undefined, number | null>;
  price_updated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  net_content: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  net_content_unit: ColumnType<'kg' | 'l' | null, 'kg' | 'l' | null | undefined, 'kg' | 'l' | null>;
}

/** The pricing tables (migrations 0010, 0040). */
export interface PricingTables {
  pricing_rules: PricingRulesTable;
  price_runs: PriceRunsTable;
  price_history: PriceHistoryTable;
  label_batches: LabelBatchesTable;
  replacement_costs: ReplacementCostsTable;
  cost_alerts: CostAlertsTable;
  inflation_index: InflationIndexTable;
  inflation_index_revisions: InflationIndexRevisionsTable;
}
