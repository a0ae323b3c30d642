import { sql, type Kysely } from 'kysely';

/**
 * Demand forecasting: the daily sales aggregate (fed incrementally from the ledger), trained
 * model versions, forecasts, reorder suggestions and purchase-order drafts. Product-level
 * supplier, pack size and lead time live on `products` until a supplier catalog links them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE products
      ADD COLUMN supplier_code text,
      ADD COLUMN supplier_pack_size numeric(14,3) NOT NULL DEFAULT 1
        CONSTRAINT products_supplier_pack_size_check CHECK (supplier_pack_size > 0),
      ADD COLUMN lead_time_days integer NOT NULL DEFAULT 2
        CONSTRAINT products_lead_time_days_check CHECK (lead_time_days BETWEEN 0 AND 120),
      ADD COLUMN review_period_days integer NOT NULL DEFAULT 7
        CONSTRAINT products_review_period_days_check CHECK (review_period_days BETWEEN 1 AND 120)`.execute(db);

  // Units sold per product, location and shop-local day; rebuilt per touched key, so replays are harmless.
  await sql`
    CREATE TABLE daily_sales (
      product_id bigint NOT NULL REFERENCES products (id),
      location_id bigint NOT NULL REFERENCES locations (id),
      day date NOT NULL,
      quantity numeric(14,3) NOT NULL,
      CONSTRAINT daily_sales_pkey PRIMARY KEY (product_id, location_id, day)
    )`.execute(db);
  await sql`CREATE INDEX daily_sales_day_idx ON daily_sales (day)`.execute(db);

  // How far into the ledger (by stock_movements.id) the aggregate has read.
  await sql`
    CREATE TABLE forecast_watermarks (
      name text PRIMARY KEY,
      last_movement_id bigint NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE model_versions (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      version text NOT NULL CONSTRAINT model_versions_version_key UNIQUE,
      kind text NOT NULL DEFAULT 'gbt-poisson',
      trained_from date NOT NULL,
      trained_through date NOT NULL,
      training_rows integer NOT NULL,
      training_ms integer NOT NULL,
      feature_names text[] NOT NULL,
      validation jsonb NOT NULL,
      serving_plan jsonb NOT NULL,
      model jsonb NOT NULL,
      onnx bytea NOT NULL,
      onnx_sha256 text NOT NULL,
      active boolean NOT NULL DEFAULT false,
      activation_reason text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      activated_at timestamptz,
      CONSTRAINT model_versions_window_check CHECK (trained_from <= trained_through)
    )`.execute(db);
  // At most one active version: activation is a swap inside one transaction.
  await sql`CREATE UNIQUE INDEX model_versions_one_active_idx ON model_versions (active) WHERE active`.execute(db);

  await sql`
    CREATE TABLE forecast_runs (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      run_key text NOT NULL CONSTRAINT forecast_runs_run_key_key UNIQUE,
      origin_day date NOT NULL,
      model_version text NOT NULL,
      chunks_total integer NOT NULL,
      chunks_done integer NOT NULL DEFAULT 0,
      recent_wape numeric(10,4),
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz
    )`.execute(db);

  await sql`
    CREATE TABLE forecast_run_chunks (
      run_id bigint NOT NULL REFERENCES forecast_runs (id),
      chunk integer NOT NULL,
      rows_written integer NOT NULL,
      done_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT forecast_run_chunks_pkey PRIMARY KEY (run_id, chunk)
    )`.execute(db);

  // One forecast per (model version, product, location, day): a re-run overwrites, never duplicates.
  await sql`
    CREATE TABLE forecasts (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      model_version text NOT NULL,
      product_id bigint NOT NULL REFERENCES products (id),
      location_id bigint NOT NULL REFERENCES locations (id),
      day date NOT NULL,
      origin_day date NOT NULL,
      horizon smallint NOT NULL CONSTRAINT forecasts_horizon_check CHECK (horizon BETWEEN 1 AND 60),
      method text NOT NULL,
      product_class text NOT NULL,
      mean numeric(14,3) NOT NULL CONSTRAINT forecasts_mean_check CHECK (mean >= 0),
      p50 numeric(14,3) NOT NULL,
      p90 numeric(14,3) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT forecasts_model_version_product_location_day_key UNIQUE (model_version, product_id, location_id, day),
      CONSTRAINT forecasts_quantiles_check CHECK (p50 <= p90)
    )`.execute(db);
  await sql`CREATE INDEX forecasts_product_day_idx ON forecasts (product_id, location_id, day)`.execute(db);

  await sql`
    CREATE TABLE reorder_suggestions (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      product_id bigint NOT NULL REFERENCES products (id),
      location_id bigint NOT NULL REFERENCES locations (id),
      origin_day date NOT NULL,
      model_version text NOT NULL,
      supplier_code text,
      demand numeric(14,3) NOT NULL,
      safety_stock numeric(14,3) NOT NULL,
      on_hand numeric(14,3) NOT NULL,
      on_order numeric(14,3) NOT NULL,
      pack_size numeric(14,3) NOT NULL,
      packs integer NOT NULL CONSTRAINT reorder_suggestions_packs_check CHECK (packs >= 0),
      quantity numeric(14,3) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT reorder_suggestions_product_location_origin_key UNIQUE (product_id, location_id, origin_day)
    )`.execute(db);
  await sql`CREATE INDEX reorder_suggestions_origin_idx ON reorder_suggestions (origin_day, location_id)`.execute(db);

  await sql`
    CREATE TABLE purchase_order_drafts (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      draft_key text NOT NULL CONSTRAINT purchase_order_drafts_draft_key_key UNIQUE,
      supplier_code text NOT NULL,
      location_id bigint NOT NULL REFERENCES locations (id),
      origin_day date NOT NULL,
      status text NOT NULL DEFAULT 'draft' CONSTRAINT purchase_order_drafts_status_check CHECK (status IN ('draft','ordered','received','cancelled')),
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    CREATE TABLE purchase_order_draft_lines (
      draft_id bigint NOT NULL REFERENCES purchase_order_drafts (id),
      product_id bigint NOT NULL REFERENCES products (id),
      packs integer NOT NULL CONSTRAINT purchase_order_draft_lines_packs_check CHECK (packs > 0),
      quantity numeric(14,3) NOT NULL,
      CONSTRAINT purchase_order_draft_lines_pkey PRIMARY KEY (draft_id, product_id)
    )`.execute(db);
}
