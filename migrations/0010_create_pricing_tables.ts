import { sql, type Kysely } from 'kysely';

/**
 * Prices that follow replacement cost: product cost/tax/price columns, pricing rules, repricing
 * runs with their price history (the label batch of a run is its history rows), replacement
 * cost history with cost alerts, and the inflation index series with their revisions.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE products
      ADD COLUMN replacement_cost_cents bigint CONSTRAINT products_replacement_cost_check CHECK (replacement_cost_cents >= 0),
      ADD COLUMN cost_updated_at timestamptz,
      ADD COLUMN iva_rate_pct numeric(5,2) NOT NULL DEFAULT 21
        CONSTRAINT products_iva_rate_check CHECK (iva_rate_pct IN (0, 2.5, 5, 10.5, 21, 27)),
      ADD COLUMN internal_tax_pct numeric(5,2) NOT NULL DEFAULT 0
        CONSTRAINT products_internal_tax_check CHECK (internal_tax_pct >= 0 AND internal_tax_pct < 100),
      ADD COLUMN price_cents bigint CONSTRAINT products_price_check CHECK (price_cents >= 0),
      ADD COLUMN price_updated_at timestamptz,
      ADD COLUMN net_content numeric(14,3) CONSTRAINT products_net_content_check CHECK (net_content > 0),
      ADD COLUMN net_content_unit text CONSTRAINT products_net_content_unit_check CHECK (net_content_unit IN ('kg','l')),
      ADD CONSTRAINT products_net_content_pair_check CHECK ((net_content IS NULL) = (net_content_unit IS NULL))`.execute(db);

  // category '*' is the default rule for every category without one of its own.
  await sql`
    CREATE TABLE pricing_rules (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      category text NOT NULL CONSTRAINT pricing_rules_category_key UNIQUE,
      markup_pct numeric(7,2) NOT NULL CONSTRAINT pricing_rules_markup_check CHECK (markup_pct >= 0 AND markup_pct <= 1000),
      min_margin_pct numeric(5,2) NOT NULL CONSTRAINT pricing_rules_min_margin_check CHECK (min_margin_pct >= 0 AND min_margin_pct < 100),
      rounding_step_cents bigint NOT NULL CONSTRAINT pricing_rules_step_check CHECK (rounding_step_cents >= 1),
      ending_cents bigint NOT NULL DEFAULT 0,
      max_change_pct numeric(6,2) CONSTRAINT pricing_rules_max_change_check CHECK (max_change_pct > 0 AND max_change_pct <= 100),
      price_ahead_days integer CONSTRAINT pricing_rules_price_ahead_check CHECK (price_ahead_days BETWEEN 1 AND 120),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT pricing_rules_ending_check CHECK (ending_cents >= 0 AND ending_cents < rounding_step_cents)
    )`.execute(db);
  await sql`
    INSERT INTO pricing_rules (category, markup_pct, min_margin_pct, rounding_step_cents, ending_cents, max_change_pct)
    VALUES ('*', 35, 20, 1000, 0, 30)`.execute(db);

  // One row per repricing run; chunks of a run are planned once (id ranges) and counted here.
  await sql`
    CREATE TABLE price_runs (
      id text PRIMARY KEY CONSTRAINT price_runs_id_format_check CHECK (id ~ '^[A-Za-z0-9._-]{1,100}$'),
      idempotency_key text CONSTRAINT price_runs_idempotency_key_key UNIQUE,
      trigger text NOT NULL CONSTRAINT price_runs_trigger_check CHECK (trigger IN ('api','invoice','index','seed')),
      scope_kind text NOT NULL CONSTRAINT price_runs_scope_check CHECK (scope_kind IN ('all','category','products')),
      category text,
      product_ids bigint[],
      reason text NOT NULL,
      forced boolean NOT NULL DEFAULT false,
      forward_rate_bp integer NOT NULL DEFAULT 0,
      forward_period text,
      rules jsonb NOT NULL,
      status text NOT NULL DEFAULT 'planned'
        CONSTRAINT price_runs_status_check CHECK (status IN ('planned','running','completed','failed')),
      chunks jsonb NOT NULL DEFAULT '[]',
      chunks_total integer NOT NULL DEFAULT 0,
      chunks_done integer NOT NULL DEFAULT 0,
      products_examined integer NOT NULL DEFAULT 0,
      products_changed integer NOT NULL DEFAULT 0,
      requested_by text,
      created_at timestamptz NOT NULL DEFAULT now(),
      enqueued_at timestamptz,
      completed_at timestamptz,
      CONSTRAINT price_runs_scope_fields_check CHECK (
        (scope_kind = 'category') = (category IS NOT NULL) AND (scope_kind = 'products') = (product_ids IS NOT NULL))
    )`.execute(db);
  await sql`CREATE INDEX price_runs_unfinished_idx ON price_runs (created_at) WHERE status IN ('planned','running')`.execute(db);

  // A run changes a product at most once: (run_id, product_id) is the natural key, so replays are harmless.
  await sql`
    CREATE TABLE price_history (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      run_id text NOT NULL REFERENCES price_runs (id),
      product_id bigint NOT NULL REFERENCES products (id),
      old_price_cents bigint,
      new_price_cents bigint NOT NULL,
      cost_cents bigint NOT NULL,
      rule_id bigint,
      reason text NOT NULL,
      iva_rate_pct numeric(5,2) NOT NULL,
      internal_tax_pct numeric(5,2) NOT NULL,
      without_national_taxes_cents bigint NOT NULL,
      iva_cents bigint NOT NULL,
      internal_taxes_cents bigint NOT NULL,
      unit_price_cents bigint,
      unit_price_per text,
      changed_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT price_history_run_product_key UNIQUE (run_id, product_id)
    )`.execute(db);
  await sql`CREATE INDEX price_history_product_idx ON price_history (product_id, id)`.execute(db);

  // The shelf labels of a run are its price_history rows; the batch row numbers and dates them.
  await sql`
    CREATE TABLE label_batches (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      run_id text NOT NULL REFERENCES price_runs (id) CONSTRAINT label_batches_run_key UNIQUE,
      product_count integer NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE replacement_costs (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      product_id bigint NOT NULL REFERENCES products (id),
      cost_cents bigint NOT NULL CONSTRAINT replacement_costs_cost_check CHECK (cost_cents >= 0),
      previous_cost_cents bigint,
      source text NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX replacement_costs_product_idx ON replacement_costs (product_id, id)`.execute(db);

  await sql`
    CREATE TABLE cost_alerts (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      product_id bigint NOT NULL REFERENCES products (id),
      replacement_cost_id bigint NOT NULL REFERENCES replacement_costs (id) CONSTRAINT cost_alerts_replacement_cost_key UNIQUE,
      previous_cost_cents bigint,
      new_cost_cents bigint NOT NULL,
      change_bp integer,
      band_pct integer,
      selling_at_loss boolean NOT NULL,
      price_cents bigint,
      source text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT cost_alerts_reason_check CHECK (band_pct IS NOT NULL OR selling_at_loss)
    )`.execute(db);
  await sql`CREATE INDEX cost_alerts_product_idx ON cost_alerts (product_id, id)`.execute(db);

  await sql`
    CREATE TABLE inflation_index (
      series text NOT NULL CONSTRAINT inflation_index_series_check CHECK (series IN ('official','expected')),
      period text NOT NULL CONSTRAINT inflation_index_period_check CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      rate_pct numeric(7,2) NOT NULL,
      source text NOT NULL,
      revision integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT inflation_index_pkey PRIMARY KEY (series, period)
    )`.execute(db);

  // Published figures get revised; every change keeps the value it replaced.
  await sql`
    CREATE TABLE inflation_index_revisions (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      series text NOT NULL,
      period text NOT NULL,
      revision integer NOT NULL,
      previous_rate_pct numeric(7,2) NOT NULL,
      rate_pct numeric(7,2) NOT NULL,
      source text NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT inflation_index_revisions_key UNIQUE (series, period, revision),
      CONSTRAINT inflation_index_revisions_row_fkey FOREIGN KEY (series, period) REFERENCES inflation_index (series, period)
    )`.execute(db);
}
