import { sql, type Kysely } from 'kysely';

/**
 * Catalog, locations, API keys, the durable movement intake (`movement_requests`), the
 * append-only ledger (`stock_movements`) and balances (`stock_levels`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);

  await sql`
    CREATE TABLE api_keys (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      name text NOT NULL,
      role text NOT NULL CONSTRAINT api_keys_role_check CHECK (role IN ('admin','deposito','negocio','ml_service','viewer')),
      key_hash text NOT NULL CONSTRAINT api_keys_key_hash_key UNIQUE,
      key_prefix text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    )`.execute(db);

  await sql`
    CREATE TABLE locations (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      code text NOT NULL CONSTRAINT locations_code_key UNIQUE
        CONSTRAINT locations_code_format_check CHECK (code ~ '^[A-Z0-9_-]{1,32}$'),
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE products (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      sku text NOT NULL CONSTRAINT products_sku_key UNIQUE,
      barcode text,
      name text NOT NULL,
      category text NOT NULL,
      unit text NOT NULL CONSTRAINT products_unit_check CHECK (unit IN ('unit','kg','l')),
      reorder_point numeric(14,3) NOT NULL DEFAULT 0 CONSTRAINT products_reorder_point_check CHECK (reorder_point >= 0),
      allow_negative_stock boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX products_barcode_idx ON products (barcode)`.execute(db);
  await sql`CREATE INDEX products_category_idx ON products (category, id)`.execute(db);
  await sql`CREATE INDEX products_name_trgm_idx ON products USING gin (name gin_trgm_ops)`.execute(db);

  await sql`
    CREATE TABLE movement_batches (
      id uuid PRIMARY KEY,
      idempotency_key text NOT NULL CONSTRAINT movement_batches_idempotency_key_key UNIQUE,
      atomic boolean NOT NULL,
      movement_count integer NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  // The record of every submitted movement and its outcome; written before the API answers 202.
  await sql`
    CREATE TABLE movement_requests (
      id uuid PRIMARY KEY,
      idempotency_key text NOT NULL CONSTRAINT movement_requests_idempotency_key_key UNIQUE,
      batch_id uuid REFERENCES movement_batches (id),
      batch_seq integer,
      type text NOT NULL CONSTRAINT movement_requests_type_check
        CHECK (type IN ('sale','receipt','adjustment','count','transfer')),
      product_id bigint NOT NULL REFERENCES products (id),
      location_id bigint NOT NULL REFERENCES locations (id),
      to_location_id bigint REFERENCES locations (id),
      quantity numeric(14,3) NOT NULL,
      unit_cost_cents bigint CONSTRAINT movement_requests_unit_cost_check CHECK (unit_cost_cents >= 0),
      reason text,
      reference text,
      occurred_at timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'queued'
        CONSTRAINT movement_requests_status_check CHECK (status IN ('queued','applied','rejected')),
      rejection_reason text,
      rejection_detail jsonb,
      balance_after numeric(14,3),
      to_balance_after numeric(14,3),
      created_at timestamptz NOT NULL DEFAULT now(),
      processed_at timestamptz,
      CONSTRAINT movement_requests_transfer_check CHECK ((type = 'transfer') = (to_location_id IS NOT NULL)),
      CONSTRAINT movement_requests_batch_seq_key UNIQUE (batch_id, batch_seq)
    )`.execute(db);
  await sql`CREATE INDEX movement_requests_queued_idx ON movement_requests (created_at) WHERE status = 'queued'`.execute(db);

  await sql`
    CREATE TABLE stock_levels (
      product_id bigint NOT NULL REFERENCES products (id),
      location_id bigint NOT NULL REFERENCES locations (id),
      quantity numeric(14,3) NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT stock_levels_pkey PRIMARY KEY (product_id, location_id)
    )`.execute(db);
  await sql`CREATE INDEX stock_levels_location_idx ON stock_levels (location_id, product_id)`.execute(db);

  // Append-only ledger: one row per effect (a transfer has two legs). Rejected movements have no
  // effect and so no row here; their outcome lives in movement_requests.
  await sql`
    CREATE TABLE stock_movements (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      movement_id uuid NOT NULL REFERENCES movement_requests (id),
      leg smallint NOT NULL CONSTRAINT stock_movements_leg_check CHECK (leg IN (0, 1)),
      idempotency_key text NOT NULL,
      type text NOT NULL,
      product_id bigint NOT NULL REFERENCES products (id),
      location_id bigint NOT NULL REFERENCES locations (id),
      quantity numeric(14,3) NOT NULL,
      unit_cost_cents bigint,
      reason text,
      reference text,
      occurred_at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT stock_movements_idempotency_key_leg_key UNIQUE (idempotency_key, leg),
      CONSTRAINT stock_movements_movement_leg_key UNIQUE (movement_id, leg)
    )`.execute(db);
  await sql`CREATE INDEX stock_movements_product_location_idx ON stock_movements (product_id, location_id, id)`.execute(db);
  await sql`CREATE INDEX stock_movements_occurred_idx ON stock_movements (occurred_at, id)`.execute(db);

  await sql`
    CREATE FUNCTION forbid_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'stock_movements is append-only: post a correcting movement instead'
        USING ERRCODE = 'restrict_violation';
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER stock_movements_append_only BEFORE UPDATE OR DELETE ON stock_movements
    FOR EACH ROW EXECUTE FUNCTION forbid_ledger_change()`.execute(db);
  await sql`
    CREATE TRIGGER stock_movements_no_truncate BEFORE TRUNCATE ON stock_movements
    FOR EACH STATEMENT EXECUTE FUNCTION forbid_ledger_change()`.execute(db);

  // Generic exactly-once marker for jobs whose effects have no natural key of their own.
  await sql`
    CREATE TABLE processed_jobs (
      queue text NOT NULL,
      job_key text NOT NULL,
      result jsonb,
      processed_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT processed_jobs_pkey PRIMARY KEY (queue, job_key)
    )`.execute(db);

  // Follow-up jobs written in the same transaction as their cause and relayed after commit.
  await sql`
    CREATE TABLE outbox (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      queue text NOT NULL,
      job_name text NOT NULL,
      job_id text NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      relayed_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX outbox_pending_idx ON outbox (id) WHERE relayed_at IS NULL`.execute(db);
}
