import { sql, type Kysely } from 'kysely';

/**
 * Supplier invoices: suppliers by CUIT, what each supplier calls our products (its own codes and
 * learned descriptions), uploaded files by content key, invoices with their extraction, and
 * their lines with the catalog match. Cost history is pricing's `replacement_costs`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);

  await sql`
    CREATE TABLE suppliers (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      cuit text NOT NULL CONSTRAINT suppliers_cuit_key UNIQUE
        CONSTRAINT suppliers_cuit_format_check CHECK (cuit ~ '^[0-9]{11}$'),
      name text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE supplier_products (
      supplier_id bigint NOT NULL REFERENCES suppliers (id),
      code text NOT NULL,
      product_id bigint NOT NULL REFERENCES products (id),
      pack_units integer NOT NULL DEFAULT 1 CONSTRAINT supplier_products_pack_units_check CHECK (pack_units >= 1),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT supplier_products_pkey PRIMARY KEY (supplier_id, code)
    )`.execute(db);

  // A reviewer's correction, remembered: this supplier's wording (normalized) means this product.
  await sql`
    CREATE TABLE supplier_aliases (
      supplier_id bigint NOT NULL REFERENCES suppliers (id),
      description text NOT NULL,
      product_id bigint NOT NULL REFERENCES products (id),
      pack_units integer NOT NULL DEFAULT 1 CONSTRAINT supplier_aliases_pack_units_check CHECK (pack_units >= 1),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT supplier_aliases_pkey PRIMARY KEY (supplier_id, description)
    )`.execute(db);

  await sql`
    CREATE TABLE invoice_files (
      content_key text PRIMARY KEY CONSTRAINT invoice_files_content_key_check CHECK (content_key ~ '^[0-9a-f]{64}$'),
      mime_type text NOT NULL CONSTRAINT invoice_files_mime_type_check
        CHECK (mime_type IN ('application/pdf','image/jpeg','image/png','image/webp')),
      size_bytes integer NOT NULL CONSTRAINT invoice_files_size_check CHECK (size_bytes > 0),
      content bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE invoices (
      id uuid PRIMARY KEY,
      file_key text NOT NULL REFERENCES invoice_files (content_key) CONSTRAINT invoices_file_key_key UNIQUE,
      status text NOT NULL DEFAULT 'queued' CONSTRAINT invoices_status_check
        CHECK (status IN ('queued','extracting','needs_review','ready','posting','posted','failed','rejected')),
      failure_reason text,
      failure_detail text,
      supplier_cuit_hint text,
      location_id bigint REFERENCES locations (id),
      supplier_id bigint REFERENCES suppliers (id),
      issuer_cuit text,
      voucher_type integer,
      point_of_sale integer,
      number bigint,
      issue_date date,
      total_cents bigint,
      fields jsonb,
      extraction jsonb,
      confidence numeric(4,3),
      duplicate_of uuid REFERENCES invoices (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      posted_at timestamptz
    )`.execute(db);
  // One live invoice per (issuer, type, point of sale, number); later copies are rejected as duplicates.
  await sql`
    CREATE UNIQUE INDEX invoices_identity_key ON invoices (issuer_cuit, voucher_type, point_of_sale, number)
      WHERE status NOT IN ('failed','rejected') AND issuer_cuit IS NOT NULL AND voucher_type IS NOT NULL
        AND point_of_sale IS NOT NULL AND number IS NOT NULL`.execute(db);
  await sql`CREATE INDEX invoices_status_idx ON invoices (status, created_at, id)`.execute(db);

  await sql`
    CREATE TABLE invoice_lines (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      invoice_id uuid NOT NULL REFERENCES invoices (id),
      line_no integer NOT NULL,
      code text,
      barcode text,
      description text NOT NULL,
      quantity numeric(14,3) NOT NULL,
      unit text NOT NULL,
      unit_price_cents bigint NOT NULL,
      iva_rate text,
      amount_cents bigint NOT NULL,
      confidence numeric(4,3) NOT NULL,
      arithmetic_ok boolean NOT NULL,
      product_id bigint REFERENCES products (id),
      match_by text CONSTRAINT invoice_lines_match_by_check CHECK (match_by IN ('barcode','supplier_code','alias','fuzzy','manual')),
      match_score numeric(4,3),
      pack_units integer NOT NULL DEFAULT 1 CONSTRAINT invoice_lines_pack_units_check CHECK (pack_units >= 1),
      corrected boolean NOT NULL DEFAULT false,
      CONSTRAINT invoice_lines_invoice_line_key UNIQUE (invoice_id, line_no)
    )`.execute(db);
}
