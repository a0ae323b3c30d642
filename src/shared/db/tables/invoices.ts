import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, Decimal, Json, Timestamp } from './columns.js';


export type InvoiceStatus = 'queued' | 'extracting' | 'needs_review' | 'ready' | 'posting' | 'posted' | 'failed' | 'rejected';
export type MatchBy = 'barcode' | 'supplier_code' | 'alias' | 'fuzzy' | 'manual';

export interface SuppliersTable {
  id: Generated<number>;
  cuit: string;
  name: string | null;
  created_at: CreatedAt;
}

export interface SupplierProductsTable {
  supplier_id: number;
  code: string;
  product_id: number;
  pack_units: ColumnType<number, number | undefined, number>;
  updated_at: Timestamp;
}

export interface SupplierAliasesTable {
  supplier_id: number;
  description: string;
  product_id: number;
  pack_units: ColumnType<number, number | undefined, number>;
  updated_at: Timestamp;
}

export interface InvoiceFilesTable {
  content_key: string;
  mime_type: string;
  size_bytes: number;
  /** Ciphertext under `key_id` (plaintext only in rows from before encryption, `key_id` NULL). */
  content: Buffer;
  key_id: ColumnType<string | null, string | null | undefined, string | null>;
  nonce: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  auth_tag: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  created_at: CreatedAt;
}

export interface InvoicesTable {
  id: string;
  file_key: string;
  status: ColumnType<InvoiceStatus, InvoiceStatus | undefined, InvoiceStatus>;
  failure_reason: string | null;
  failure_detail: string | null;
  supplier_cuit_hint: string | null;
  location_id: number | null;
  supplier_id: number | null;
  issuer_cuit: string | null;
  voucher_type: number | null;
  point_of_sale: number | null;
  number: number | null;
  issue_date: ColumnType<string | null, string | null, string | null>;
  total_cents: number | null;
  fields: Json;
  extraction: Json;
  confidence: ColumnType<string | null, string | number | null, string | number | null>;
  duplicate_of: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  posted_at: Timestamp | null;
  /** Who approved the cost changes of this invoice (a role allowed to change prices), and when; cleared by a correction. */
  prices_approved_by: ColumnType<string | null, string | null | undefined, string | null>;
  prices_approved_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface InvoiceLinesTable {
  id: Generated<number>;
  invoice_id: string;
  line_no: number;
  code: string | null;
  barcode: string | null;
  description: string;
  quantity: Decimal;
  unit: string;
  unit_price_cents: number;
  iva_rate: string | null;
  amount_cents: number;
  confidence: Decimal;
  arithmetic_ok: boolean;
  product_id: number | null;
  match_by: MatchBy | null;
  match_score: ColumnType<string | null, string | number | null, string | number | null>;
  pack_units: ColumnType<number, number | undefined, number>;
  corrected: ColumnType<boolean, boolean | undefined, boolean>;
}

/** The supplier invoice tables (migration 0020). */
export interface InvoiceTables {
  suppliers: SuppliersTable;
  supplier_products: SupplierProductsTable;
  supplier_aliases: SupplierAliasesTable;
  invoice_files: InvoiceFilesTable;
  invoices: InvoicesTable;
  invoice_lines: InvoiceLinesTable;
}
