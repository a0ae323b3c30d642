import { createHash, randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Database, DB } from '../database.js';
import type { InvoiceStatus, MatchBy } from '../database.js';
import type { InvoiceExtraction } from '../../domain/invoice/assemble.js';
import { cuitDigits, formatCuit } from '../../domain/invoice/cuit.js';
import { formatScaled, mulScaled, parseScaled } from '../../domain/invoice/decimal.js';
import { extractPackSize, normalizeDescription } from '../../domain/invoice/normalize.js';
import type { ParsedLine } from '../../domain/invoice/parse-text.js';
import { withTransaction } from '../transaction.js';
import type { DataKeys } from '../../data-keys.js';
import { StoredFileTamperedError } from '../../errors.js';

export const INVOICE_MIME_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'image/webp'] as const;
export type InvoiceMime = (typeof INVOICE_MIME_TYPES)[number];

export function contentKey(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Durable intake of an upload: the file by content key and an invoice row (`queued`), in one
 * transaction. The same bytes again return the invoice already recorded for them.
 */
export async function recordUpload(
  db: Database,
  keys: DataKeys,
  upload: { bytes: Buffer; mimeType: InvoiceMime; supplierCuit?: string | null; locationId?: number | null },
): Promise<{ id: string; status: InvoiceStatus; created: boolean }> {
  const key = contentKey(upload.bytes);
  // Only ciphertext reaches the database; the content key (sha256 of the plaintext) is bound in.
  const sealed = keys.seal(key, upload.bytes);
  return withTransaction(db, async (trx) => {
    await trx
      .insertInto('invoice_files')
      .values({ content_key: key, mime_type: upload.mimeType, size_bytes: upload.bytes.length, content: sealed.content, key_id: sealed.keyId, nonce: sealed.nonce, auth_tag: sealed.authTag })
      .onConflict((oc) => oc.column('content_key').doNothing())
      .execute();
    const inserted = await trx
      .insertInto('invoices')
      .values({ id: randomUUID(), file_key: key, supplier_cuit_hint: upload.supplierCuit ?? null, location_id: upload.locationId ?? null })
      .onConflict((oc) => oc.column('file_key').doNothing())
      .returning(['id', 'status'])
      .executeTakeFirst();
    if (inserted) return { ...inserted, created: true };
    const existing = await trx.selectFrom('invoices').select(['id', 'status']).where('file_key', '=', key).executeTakeFirstOrThrow();
    return { ...existing, created: false };
  });
}

/**
 * An invoice's file, decrypted. Throws `DataKeyMissingError` (its key is not in the keyring) or
 * `StoredFileTamperedError` (the stored bytes fail authentication).
 */
export async function getInvoiceFile(db: Database, keys: DataKeys, invoiceId: string): Promise<{ content: Buffer; mime_type: string; content_key: string; status: InvoiceStatus } | undefined> {
  const row = await db
    .selectFrom('invoices as i')
    .innerJoin('invoice_files as f', 'f.content_key', 'i.file_key')
    .select(['f.content', 'f.key_id', 'f.nonce', 'f.auth_tag', 'f.mime_type', 'f.content_key', 'i.status'])
    .where('i.id', '=', invoiceId)
    .executeTakeFirst();
  if (!row) return undefined;
  const content = keys.open(row.content_key, { content: row.content, keyId: row.key_id, nonce: row.nonce, authTag: row.auth_tag });
  return { content, mime_type: row.mime_type, content_key: row.content_key, status: row.status };
}

/** Files per data key (`null`: plaintext rows from before encryption). */
export async function countFilesByKey(db: Database): Promise<Map<string | null, number>> {
  const rows = await db.selectFrom('invoice_files').select(['key_id', db.fn.countAll<string>().as('n')]).groupBy('key_id').execute();
  return new Map(rows.map((r) => [r.key_id, Number(r.n)]));
}

/**
 * Re-encrypts up to `limit` files not under the active key (or, with `onlyPlaintext`, only rows
 * still in plaintext) in one short transaction. Rows locked by another sweep are skipped, so
 * several sweeps and concurrent uploads never wait on each other. Files that fail their integrity
 * check are left as they are and returned in `tampered` (pass them back in `skip`).
 */
export async function reencryptFilesChunk(
  db: Database,
  keys: DataKeys,
  opts: { limit: number; onlyPlaintext?: boolean; skip?: readonly string[] },
): Promise<{ reencrypted: number; tampered: string[]; activeKeyId: string }> {
  const active = keys.activeKey().id;
  return withTransaction(db, async (trx) => {
    let q = trx.selectFrom('invoice_files').select(['content_key', 'content', 'key_id', 'nonce', 'auth_tag']);
    q = opts.onlyPlaintext ? q.where('key_id', 'is', null) : q.where((eb) => eb.or([eb('key_id', 'is', null), eb('key_id', '<>', active)]));
    if (opts.skip?.length) q = q.where('content_key', 'not in', [...opts.skip]);
    const rows = await q.orderBy('content_key').limit(opts.limit).forUpdate().skipLocked().execute();
    const tampered: string[] = [];
    let reencrypted = 0;
    for (const row of rows) {
      let plain: Buffer;
      try {
        plain = keys.open(row.content_key, { content: row.content, keyId: row.key_id, nonce: row.nonce, authTag: row.auth_tag });
      } catch (err) {
        if (err instanceof StoredFileTamperedError) {
          tampered.push(row.content_key);
          continue;
        }
        throw err;
      }
      const sealed = keys.seal(row.content_key, plain);
      await trx.updateTable('invoice_files').set({ content: sealed.content, key_id: sealed.keyId, nonce: sealed.nonce, auth_tag: sealed.authTag }).where('content_key', '=', row.content_key).execute();
      reencrypted++;
    }
    return { reencrypted, tampered, activeKeyId: active };
  });
}

/** Invoices still `queued` after the grace period (their job may never have reached Redis). */
export async function findStaleQueuedInvoices(db: Database, graceMs: number, limit = 100): Promise<string[]> {
  const rows = await db
    .selectFrom('invoices')
    .select('id')
    .where('status', '=', 'queued')
    .where('created_at', '<', new Date(Date.now() - graceMs))
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** Moves `queued` (or a retried `extracting`) to `extracting`; false when the invoice is past that. */
export async function startExtraction(db: Database, invoiceId: string): Promise<boolean> {
  const r = await db
    .updateTable('invoices')
    .set({ status: 'extracting', updated_at: new Date() })
    .where('id', '=', invoiceId)
    .where('status', 'in', ['queued', 'extracting'])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function failInvoice(db: Database | Transaction<DB>, invoiceId: string, reason: string, detail: string | null): Promise<void> {
  await db
    .updateTable('invoices')
    .set({ status: 'failed', failure_reason: reason, failure_detail: detail, updated_at: new Date() })
    .where('id', '=', invoiceId)
    .where('status', 'in', ['queued', 'extracting'])
    .execute();
}

export interface LineMatch {
  productId: number;
  sku: string;
  by: MatchBy;
  score: number;
  packUnits: number;
}

/** Token overlap of two normalized descriptions (Dice), order-insensitive. */
function tokenScore(a: string, b: string): number {
  const ta = new Set(a.split(' ').filter(Boolean));
  const tb = new Set(b.split(' ').filter(Boolean));
  if (!ta.size || !tb.size) return 0;
  let inter = 0;
  for (const t of ta) if (tb.has(t)) inter++;
  return (2 * inter) / (ta.size + tb.size);
}

/**
 * Matches one invoice line to the catalog, most certain first: barcode, the supplier's own
 * code, a learned alias of the supplier's wording, then a fuzzy name match (pg_trgm
 * similarity, re-scored on normalized words) with its score.
 */
export async function matchLine(trx: Transaction<DB> | Database, supplierId: number | null, line: Pick<ParsedLine, 'barcode' | 'code' | 'description'>): Promise<LineMatch | null> {
  const pack = extractPackSize(line.description);
  if (line.barcode) {
    const p = await trx.selectFrom('products').select(['id', 'sku']).where('barcode', '=', line.barcode).orderBy('id').executeTakeFirst();
    if (p) return { productId: p.id, sku: p.sku, by: 'barcode', score: 1, packUnits: pack.units };
  }
  if (supplierId !== null && line.code) {
    const p = await trx
      .selectFrom('supplier_products as sp')
      .innerJoin('products as p', 'p.id', 'sp.product_id')
      .select(['p.id', 'p.sku', 'sp.pack_units'])
      .where('sp.supplier_id', '=', supplierId)
      .where('sp.code', '=', line.code)
      .executeTakeFirst();
    if (p) return { productId: p.id, sku: p.sku, by: 'supplier_code', score: 1, packUnits: p.pack_units };
  }
  if (supplierId !== null) {
    const p = await trx
      .selectFrom('supplier_aliases as a')
      .innerJoin('products as p', 'p.id', 'a.product_id')
      .select(['p.id', 'p.sku', 'a.pack_units'])
      .where('a.supplier_id', '=', supplierId)
      .where('a.description', '=', normalizeDescription(line.description))
      .executeTakeFirst();
    if (p) return { productId: p.id, sku: p.sku, by: 'alias', score: 0.99, packUnits: p.pack_units };
  }
  const wanted = pack.description;
  if (!wanted) return null;
  const candidates = await trx
    .selectFrom('products')
    .select(['id', 'sku', 'name', sql<number>`similarity(lower(name), ${wanted})`.as('sim')])
    .orderBy(sql`similarity(lower(name), ${wanted})`, 'desc')
    .orderBy('id')
    .limit(5)
    .execute();
  let best: LineMatch | null = null;
  for (const c of candidates) {
    const score = Math.round(Math.max(Number(c.sim), tokenScore(wanted, extractPackSize(c.name).description)) * 1000) / 1000;
    if (score > 0 && (!best || score > best.score)) best = { productId: c.id, sku: c.sku, by: 'fuzzy', score, packUnits: pack.units };
  }
  return best;
}

async function supplierFor(trx: Transaction<DB>, cuit: string | null, name: string | null): Promise<number | null> {
  const digits = cuit ? cuitDigits(cuit) : null;
  if (!digits) return null;
  await trx.insertInto('suppliers').values({ cuit: digits, name }).onConflict((oc) => oc.column('cuit').doNothing()).execute();
  const s = await trx.selectFrom('suppliers').select('id').where('cuit', '=', digits).executeTakeFirstOrThrow();
  return s.id;
}

export interface SaveOptions {
  autoPostConfidence: number;
  minMatchScore: number;
}

/**
 * Stores an extraction: supplier found or created by the issuer CUIT, lines matched, and the
 * next status — `rejected` for a second copy of an invoice already recorded (same issuer, type,
 * point of sale and number), `ready` when confident and fully matched, else `needs_review`.
 */
export async function saveExtraction(trx: Transaction<DB>, invoiceId: string, ex: InvoiceExtraction, opts: SaveOptions): Promise<{ status: InvoiceStatus; duplicateOf: string | null }> {
  const inv = await trx.selectFrom('invoices').select(['status', 'supplier_cuit_hint']).where('id', '=', invoiceId).forUpdate().executeTakeFirst();
  if (!inv) throw new Error(`invoice ${invoiceId} does not exist`);
  if (inv.status !== 'extracting' && inv.status !== 'queued') return { status: inv.status, duplicateOf: null };
  const f = ex.fields;
  const issuerCuit = f.issuerCuit?.value ?? inv.supplier_cuit_hint ?? null;
  const supplierId = await supplierFor(trx, issuerCuit, f.issuerName?.value ?? null);
  const identity = {
    issuer_cuit: issuerCuit ? cuitDigits(issuerCuit) : null,
    voucher_type: f.type?.value ?? null,
    point_of_sale: f.pointOfSale?.value ?? null,
    number: f.number?.value ?? null,
  };
  let duplicateOf: string | null = null;
  if (identity.issuer_cuit && identity.voucher_type !== null && identity.point_of_sale !== null && identity.number !== null) {
    const original = await trx
      .selectFrom('invoices')
      .select('id')
      .where('issuer_cuit', '=', identity.issuer_cuit)
      .where('voucher_type', '=', identity.voucher_type)
      .where('point_of_sale', '=', identity.point_of_sale)
      .where('number', '=', identity.number)
      .where('status', 'not in', ['failed', 'rejected'])
      .where('id', '!=', invoiceId)
      .executeTakeFirst();
    duplicateOf = original?.id ?? null;
  }
  await trx.deleteFrom('invoice_lines').where('invoice_id', '=', invoiceId).execute();
  let allMatched = ex.lines.length > 0;
  for (const [i, l] of ex.lines.entries()) {
    const m = await matchLine(trx, supplierId, l);
    if (!m || m.score < opts.minMatchScore) allMatched = false;
    await trx
      .insertInto('invoice_lines')
      .values({
        invoice_id: invoiceId,
        line_no: i + 1,
        code: l.code,
        barcode: l.barcode,
        description: l.description,
        quantity: l.quantity,
        unit: l.unit,
        unit_price_cents: Number(parseScaled(l.unitPrice, 2)),
        iva_rate: l.ivaRate,
        amount_cents: Number(parseScaled(l.amount, 2)),
        confidence: l.confidence,
        arithmetic_ok: l.arithmeticOk,
        product_id: m?.productId ?? null,
        match_by: m?.by ?? null,
        match_score: m?.score ?? null,
        pack_units: m?.packUnits ?? 1,
      })
      .execute();
  }
  const status: InvoiceStatus = duplicateOf ? 'rejected' : allMatched && ex.confidence >= opts.autoPostConfidence ? 'ready' : 'needs_review';
  await trx
    .updateTable('invoices')
    .set({
      status,
      failure_reason: duplicateOf ? 'duplicate_invoice' : null,
      duplicate_of: duplicateOf,
      supplier_id: supplierId,
      ...(duplicateOf ? {} : identity),
      issue_date: f.issueDate?.value ?? null,
      total_cents: f.total ? Number(parseScaled(f.total.value, 2)) : null,
      fields: JSON.stringify(f),
      extraction: JSON.stringify({ methods: ex.methods, totalsCheck: ex.totalsCheck, conflicts: ex.conflicts, otherTaxesDetail: ex.otherTaxesDetail }),
      confidence: ex.confidence,
      updated_at: new Date(),
    })
    .where('id', '=', invoiceId)
    .execute();
  return { status, duplicateOf };
}

export interface InvoiceView {
  id: string;
  status: InvoiceStatus;
  reason: string | null;
  duplicateOf: string | null;
  fields: Record<string, unknown>;
  lines: {
    lineNo: number;
    code: string | null;
    barcode: string | null;
    description: string;
    quantity: string;
    unit: string;
    unitPrice: string;
    ivaRate: string | null;
    amount: string;
    confidence: number;
    packUnits: number;
    match: { sku: string; score: number; by: MatchBy } | null;
    flagged: boolean;
    /** The matched product's replacement cost today, and the unit cost this line would set. */
    currentCost: string | null;
    newCost: string | null;
    /** The new cost moves past the band (or is a first cost): a price role must approve it. */
    outsideBand: boolean;
  }[];
  /** Costs past the band need a price role's approval before a stock role may post. */
  priceApproval: { bandPct: number; approvedAt: Date | null; approvedBy: string | null };
  confidence: number | null;
  extraction: unknown;
  file: string;
  createdAt: Date;
  postedAt: Date | null;
}

const trimQty = (q: string) => formatScaled(parseScaled(q, 3), 3, { trim: true });

export async function getInvoiceView(db: Database | Transaction<DB>, id: string, opts: { minMatchScore: number; costBandPct: number }): Promise<InvoiceView | undefined> {
  const { minMatchScore, costBandPct } = opts;
  const inv = await db.selectFrom('invoices').selectAll().where('id', '=', id).executeTakeFirst();
  if (!inv) return undefined;
  const lines = await db
    .selectFrom('invoice_lines as l')
    .leftJoin('products as p', 'p.id', 'l.product_id')
    .select(['l.line_no', 'l.code', 'l.barcode', 'l.description', 'l.quantity', 'l.unit', 'l.unit_price_cents', 'l.iva_rate', 'l.amount_cents', 'l.confidence', 'l.pack_units', 'l.match_by', 'l.match_score', 'p.sku', 'p.replacement_cost_cents'])
    // The same unit cost the posting records (and the approval rule checks): amount over units.
    .select(sql<string | null>`round(l.amount_cents / nullif(l.quantity * l.pack_units, 0))::text`.as('new_cost_cents'))
    .where('l.invoice_id', '=', id)
    .orderBy('l.line_no')
    .execute();
  return {
    id: inv.id,
    status: inv.status,
    reason: inv.failure_reason,
    duplicateOf: inv.duplicate_of,
    fields: (inv.fields as Record<string, unknown> | null) ?? {},
    lines: lines.map((l) => {
      const match = l.sku && l.match_by ? { sku: l.sku, score: Number(l.match_score ?? 0), by: l.match_by } : null;
      const current = match && l.replacement_cost_cents !== null ? Number(l.replacement_cost_cents) : null;
      const next = match && l.new_cost_cents !== null ? Number(l.new_cost_cents) : null;
      return {
        lineNo: l.line_no,
        code: l.code,
        barcode: l.barcode,
        description: l.description,
        quantity: trimQty(l.quantity),
        unit: l.unit,
        unitPrice: formatScaled(BigInt(l.unit_price_cents), 2),
        ivaRate: l.iva_rate,
        amount: formatScaled(BigInt(l.amount_cents), 2),
        confidence: Number(l.confidence),
        packUnits: l.pack_units,
        match,
        flagged: !match || match.score < minMatchScore,
        currentCost: current === null ? null : formatScaled(BigInt(current), 2),
        newCost: next === null ? null : formatScaled(BigInt(next), 2),
        outsideBand: match !== null && next !== null && (current === null || Math.abs(next - current) * 100 > costBandPct * current),
      };
    }),
    priceApproval: { bandPct: costBandPct, approvedAt: inv.prices_approved_at, approvedBy: inv.prices_approved_by },
    confidence: inv.confidence === null ? null : Number(inv.confidence),
    extraction: inv.extraction,
    file: `/v1/invoices/${inv.id}/file`,
    createdAt: inv.created_at,
    postedAt: inv.posted_at,
  };
}

export async function listInvoices(db: Database, f: { status?: InvoiceStatus; limit: number; before?: string }) {
  let q = db
    .selectFrom('invoices as i')
    .leftJoin('suppliers as s', 's.id', 'i.supplier_id')
    .select(['i.id', 'i.status', 'i.failure_reason', 'i.issuer_cuit', 's.name as supplier_name', 'i.voucher_type', 'i.point_of_sale', 'i.number', 'i.issue_date', 'i.total_cents', 'i.confidence', 'i.duplicate_of', 'i.created_at']);
  if (f.status) q = q.where('i.status', '=', f.status);
  // Newest first: invoice ids are random UUIDs, so the order is (created_at, id) and the cursor an id.
  if (f.before) q = q.where(sql<boolean>`(i.created_at, i.id) < (SELECT b.created_at, b.id FROM invoices b WHERE b.id = ${f.before})`);
  const rows = await q.orderBy('i.created_at', 'desc').orderBy('i.id', 'desc').limit(f.limit + 1).execute();
  const page = rows.slice(0, f.limit);
  return {
    items: page.map((r) => ({
      id: r.id,
      status: r.status,
      reason: r.failure_reason,
      issuerCuit: r.issuer_cuit ? formatCuit(r.issuer_cuit) : null,
      supplierName: r.supplier_name,
      issueDate: r.issue_date,
      duplicateOf: r.duplicate_of,
      type: r.voucher_type,
      pointOfSale: r.point_of_sale,
      number: r.number,
      total: r.total_cents === null ? null : formatScaled(BigInt(r.total_cents), 2),
      confidence: r.confidence === null ? null : Number(r.confidence),
      createdAt: r.created_at,
    })),
    next: rows.length > f.limit ? page.at(-1)!.id : null,
  };
}

export interface LineCorrection {
  lineNo: number;
  sku?: string;
  packUnits?: number;
  quantity?: string;
  unitPrice?: string;
}

/**
 * Applies a reviewer's corrections. A line matched to a product by hand is learned for the
 * supplier: its normalized description becomes an alias (and its code a supplier code), so the
 * next invoice from that supplier matches on its own.
 */
export async function correctInvoice(
  trx: Transaction<DB>,
  id: string,
  patch: { lines?: LineCorrection[]; fields?: Record<string, string | number> },
  opts: SaveOptions,
): Promise<'ok' | 'not_found' | 'not_editable' | { unknownSku: string } | { unknownLine: number }> {
  const inv = await trx.selectFrom('invoices').select(['status', 'supplier_id', 'fields', 'confidence']).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!inv) return 'not_found';
  if (inv.status !== 'needs_review' && inv.status !== 'ready') return 'not_editable';
  for (const c of patch.lines ?? []) {
    const line = await trx.selectFrom('invoice_lines').select(['id', 'code', 'description', 'quantity', 'unit_price_cents']).where('invoice_id', '=', id).where('line_no', '=', c.lineNo).executeTakeFirst();
    if (!line) return { unknownLine: c.lineNo };
    const set: Record<string, unknown> = { corrected: true };
    if (c.quantity !== undefined) set.quantity = c.quantity;
    if (c.unitPrice !== undefined) set.unit_price_cents = Number(parseScaled(c.unitPrice, 2));
    if (c.quantity !== undefined || c.unitPrice !== undefined) {
      const q = parseScaled(c.quantity ?? line.quantity, 3);
      const p = c.unitPrice !== undefined ? parseScaled(c.unitPrice, 2) : BigInt(line.unit_price_cents);
      set.amount_cents = Number(mulScaled(q, p, 3));
      set.arithmetic_ok = true;
    }
    if (c.packUnits !== undefined) set.pack_units = c.packUnits;
    if (c.sku !== undefined) {
      const product = await trx.selectFrom('products').select('id').where('sku', '=', c.sku).executeTakeFirst();
      if (!product) return { unknownSku: c.sku };
      const packUnits = c.packUnits ?? extractPackSize(line.description).units;
      Object.assign(set, { product_id: product.id, match_by: 'manual', match_score: 1, pack_units: packUnits });
      if (inv.supplier_id !== null) {
        await trx
          .insertInto('supplier_aliases')
          .values({ supplier_id: inv.supplier_id, description: normalizeDescription(line.description), product_id: product.id, pack_units: packUnits, updated_at: new Date() })
          .onConflict((oc) => oc.columns(['supplier_id', 'description']).doUpdateSet({ product_id: product.id, pack_units: packUnits, updated_at: new Date() }))
          .execute();
        if (line.code) {
          await trx
            .insertInto('supplier_products')
            .values({ supplier_id: inv.supplier_id, code: line.code, product_id: product.id, pack_units: packUnits, updated_at: new Date() })
            .onConflict((oc) => oc.columns(['supplier_id', 'code']).doUpdateSet({ product_id: product.id, pack_units: packUnits, updated_at: new Date() }))
            .execute();
        }
      }
    }
    await trx.updateTable('invoice_lines').set(set).where('id', '=', line.id).execute();
  }
  if (patch.fields && Object.keys(patch.fields).length) {
    const fields = { ...((inv.fields as Record<string, unknown> | null) ?? {}) };
    for (const [k, v] of Object.entries(patch.fields)) fields[k] = { value: v, source: 'manual', confidence: 1 };
    await trx.updateTable('invoices').set({ fields: JSON.stringify(fields) }).where('id', '=', id).execute();
  }
  const lines = await trx.selectFrom('invoice_lines').select(['product_id', 'match_score']).where('invoice_id', '=', id).execute();
  const allMatched = lines.length > 0 && lines.every((l) => l.product_id !== null && Number(l.match_score ?? 0) >= opts.minMatchScore);
  // A reviewed invoice is ready once every line has a product: the reviewer vouched for it.
  await trx.updateTable('invoices').set({ status: allMatched ? 'ready' : 'needs_review', updated_at: new Date() }).where('id', '=', id).execute();
  return 'ok';
}

export interface PostResult {
  status: 'posted' | 'already_posted' | 'not_ready';
  productIds: number[];
  outboxIds: number[];
}

/**
 * Posts an invoice in the caller's transaction: a receipt movement per line (idempotency key per
 * invoice line, so a replay adds nothing), the new replacement cost of each product (unit cost =
 * line amount ÷ units received, through pricing's cost history), and an outbox row asking for
 * the touched products to be repriced — relayed to the queue only after commit.
 */
export async function postInvoice(
  trx: Transaction<DB>,
  invoiceId: string,
  deps: {
    applyReceipts: (trx: Transaction<DB>, movementIds: string[]) => Promise<unknown>;
    recordCost: (trx: Transaction<DB>, productId: number, costCents: number, source: string) => Promise<unknown>;
    defaultLocationId: () => Promise<number | null>;
  },
): Promise<PostResult> {
  const inv = await trx.selectFrom('invoices').select(['status', 'location_id', 'issue_date']).where('id', '=', invoiceId).forUpdate().executeTakeFirst();
  if (!inv) return { status: 'not_ready', productIds: [], outboxIds: [] };
  if (inv.status === 'posted') return { status: 'already_posted', productIds: [], outboxIds: [] };
  if (inv.status !== 'ready' && inv.status !== 'posting') return { status: 'not_ready', productIds: [], outboxIds: [] };
  const locationId = inv.location_id ?? (await deps.defaultLocationId());
  if (locationId === null) return { status: 'not_ready', productIds: [], outboxIds: [] };
  const lines = await trx.selectFrom('invoice_lines').selectAll().where('invoice_id', '=', invoiceId).orderBy('line_no').execute();
  if (!lines.length || lines.some((l) => l.product_id === null)) return { status: 'not_ready', productIds: [], outboxIds: [] };
  const occurredAt = new Date();
  const movementIds: string[] = [];
  const costs = new Map<number, number>();
  for (const l of lines.sort((a, b) => a.product_id! - b.product_id! || a.line_no - b.line_no)) {
    const units = parseScaled(l.quantity, 3) * BigInt(l.pack_units);
    const unitCost = units > 0n ? Number((BigInt(l.amount_cents) * 1000n + units / 2n) / units) : 0;
    const inserted = await trx
      .insertInto('movement_requests')
      .values({
        id: randomUUID(),
        idempotency_key: `invoice-line-${invoiceId}-${l.line_no}`,
        type: 'receipt',
        product_id: l.product_id!,
        location_id: locationId,
        quantity: formatScaled(units, 3),
        unit_cost_cents: unitCost,
        reason: 'supplier invoice',
        reference: `invoice:${invoiceId}`,
        occurred_at: occurredAt,
      })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    const id = inserted?.id ?? (await trx.selectFrom('movement_requests').select('id').where('idempotency_key', '=', `invoice-line-${invoiceId}-${l.line_no}`).executeTakeFirstOrThrow()).id;
    movementIds.push(id);
    costs.set(l.product_id!, unitCost);
  }
  await deps.applyReceipts(trx, movementIds);
  const productIds = [...costs.keys()].sort((a, b) => a - b);
  for (const pid of productIds) await deps.recordCost(trx, pid, costs.get(pid)!, `invoice:${invoiceId}`);
  const runId = `invoice-${invoiceId}`;
  const outbox = await trx
    .insertInto('outbox')
    .values({
      queue: 'price-recalculations',
      job_name: 'reprice-products',
      job_id: `reprice-${runId}`,
      payload: JSON.stringify({ runId, productIds, reason: `supplier invoice ${invoiceId}` }),
    })
    .returning('id')
    .execute();
  await trx.updateTable('invoices').set({ status: 'posted', posted_at: occurredAt, updated_at: occurredAt }).where('id', '=', invoiceId).execute();
  return { status: 'posted', productIds, outboxIds: outbox.map((o) => o.id) };
}

/** Outbox rows of an invoice's posting not yet handed to the queue. */
export async function pendingOutbox(db: Database, invoiceId: string) {
  return db.selectFrom('outbox').select(['id', 'queue', 'job_name', 'job_id', 'payload']).where('job_id', '=', `reprice-invoice-${invoiceId}`).where('relayed_at', 'is', null).execute();
}

export async function markRelayed(db: Database, ids: number[]): Promise<void> {
  if (ids.length) await db.updateTable('outbox').set({ relayed_at: new Date() }).where('id', 'in', ids).execute();
}

export type PostingRequest = { kind: 'not_found' } | { kind: 'already'; status: 'posted' | 'posting' } | { kind: 'not_ready'; status: InvoiceStatus; unmatched: number } | { kind: 'posting' };

/**
 * A reviewer's explicit command to post: an invoice in needs_review or ready with every line
 * matched moves to `posting` (the caller then enqueues the posting job).
 */
export async function requestPosting(db: Database, id: string): Promise<PostingRequest> {
  const inv = await db.selectFrom('invoices').select('status').where('id', '=', id).executeTakeFirst();
  if (!inv) return { kind: 'not_found' };
  if (inv.status === 'posted' || inv.status === 'posting') return { kind: 'already', status: inv.status };
  const counts = await db
    .selectFrom('invoice_lines')
    .select([db.fn.countAll<number>().as('lines'), db.fn.count<number>('id').filterWhere('product_id', 'is', null).as('unmatched')])
    .where('invoice_id', '=', id)
    .executeTakeFirstOrThrow();
  const unmatched = Number(counts.unmatched);
  if ((inv.status !== 'ready' && inv.status !== 'needs_review') || unmatched > 0 || Number(counts.lines) === 0) return { kind: 'not_ready', status: inv.status, unmatched };
  await db.updateTable('invoices').set({ status: 'posting', updated_at: new Date() }).where('id', '=', id).where('status', 'in', ['ready', 'needs_review']).execute();
  return { kind: 'posting' };
}

/** An invoice's lines as the audit trail records them (product, quantities, costs), in line order. */
export async function readLineCosts(db: Database, invoiceId: string) {
  return db
    .selectFrom('invoice_lines')
    .select(['line_no', 'product_id', 'quantity', 'unit_price_cents', 'amount_cents', 'pack_units'])
    .where('invoice_id', '=', invoiceId)
    .orderBy('line_no')
    .execute();
}
