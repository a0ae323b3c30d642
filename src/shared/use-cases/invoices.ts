import type { Database } from '../db/database.js';
import { withTransaction } from '../db/transaction.js';
import { findLocationId } from '../db/repositories/catalog.repository.js';
import {
  correctInvoice,
  getInvoiceView,
  recordUpload,
  requestPosting,
  type InvoiceMime,
  type InvoiceView,
  type LineCorrection,
  type SaveOptions,
  readLineCosts,
} from '../db/repositories/invoices.repository.js';
import type { InvoiceStatus, Role } from '../db/database.js';
import { approvePrices, assertMayCorrect, assertMayPost, clearPriceApproval, priceChangesOf } from './invoice-approvals.js';
import type { AuditHook } from '../db/repositories/audit.repository.js';
import { ConflictError, NotFoundError, ServiceUnavailableError, UnprocessableError } from '../errors.js';
import { logger } from '../logging.js';
import type { DataKeys } from '../data-keys.js';

const log = logger.child({ component: 'invoices' });

/** How invoices reach the workers (the API passes its producer's typed enqueues). */
export interface InvoiceQueue {
  isReady(): boolean;
  enqueueExtraction(invoiceId: string): Promise<unknown>;
  enqueuePosting(invoiceId: string): Promise<unknown>;
}

/**
 * Durable intake of an uploaded invoice file: recorded by content (the same bytes are the same
 * invoice) and queued for extraction. Refuses before storing anything when the queue is down.
 */
export async function receiveInvoice(
  db: Database,
  keys: DataKeys,
  queue: InvoiceQueue,
  upload: { bytes: Buffer; mimeType: InvoiceMime; supplierCuit: string | null; location: string | null },
): Promise<{ id: string; status: InvoiceStatus; created: boolean }> {
  let locationId: number | null = null;
  if (upload.location) {
    locationId = (await findLocationId(db, upload.location)) ?? null;
    if (locationId === null) throw new UnprocessableError('unknown_location', `no location with code ${upload.location}`);
  }
  // Fail before storing anything: the client retries the same file, which maps to the same invoice.
  if (!queue.isReady()) throw new ServiceUnavailableError('the job queue is unreachable right now; send the file again later');
  const recorded = await recordUpload(db, keys, { bytes: upload.bytes, mimeType: upload.mimeType, supplierCuit: upload.supplierCuit, locationId });
  if (recorded.status === 'queued') {
    await queue.enqueueExtraction(recorded.id).catch((err: unknown) => log.warn('enqueue failed after intake; the reconciler will deliver it', { invoiceId: recorded.id, err }));
  }
  return recorded;
}

/**
 * A reviewer's corrections of lines (a hand-made match is learned as the supplier's alias) and
 * fields. A stock role may fix matches and counts but not move costs past the band; a changed
 * line clears an earlier price approval.
 */
export async function correctInvoiceLines(
  db: Database,
  id: string,
  patch: { lines?: LineCorrection[]; fields?: Record<string, string | number> },
  by: { role: Role; costBandPct: number },
  opts: SaveOptions,
  audit?: AuditHook,
): Promise<InvoiceView> {
  const touched = (patch.lines ?? []).filter((l) => l.unitPrice !== undefined || l.quantity !== undefined || l.packUnits !== undefined || l.sku !== undefined).map((l) => l.lineNo);
  const result = await withTransaction(db, async (trx) => {
    const before = await readLineCosts(trx, id);
    const r = await correctInvoice(trx, id, patch, opts);
    if (r !== 'ok') return r;
    await audit?.(trx, { action: 'invoice.corrected', entityType: 'invoice', entityId: id, before: { lines: before }, after: { lines: await readLineCosts(trx, id), fields: patch.fields ?? null } });
    await assertMayCorrect(trx, id, by.role, by.costBandPct, touched);
    if (touched.length) await clearPriceApproval(trx, id);
    return r;
  });
  if (result === 'not_found') throw new NotFoundError('invoice', id);
  if (result === 'not_editable') throw new ConflictError('invoice_not_editable', 'only invoices in needs_review or ready can be corrected');
  if (typeof result === 'object' && 'unknownSku' in result) throw new UnprocessableError('unknown_sku', `no product with SKU ${result.unknownSku}`);
  if (typeof result === 'object' && 'unknownLine' in result) throw new UnprocessableError('unknown_line', `the invoice has no line ${result.unknownLine}`);
  return (await getInvoiceView(db, id, { minMatchScore: opts.minMatchScore, costBandPct: by.costBandPct }))!;
}

/**
 * A reviewer's command to post a fully matched invoice (receipts, costs, repricing happen in the
 * worker). Posting twice is harmless: an invoice already posting or posted is answered as it is.
 */
export async function postInvoiceNow(
  db: Database,
  queue: InvoiceQueue,
  id: string,
  by: { role: Role; name: string; costBandPct: number },
  audit?: AuditHook,
): Promise<{ id: string; status: 'posting' | 'posted' }> {
  await assertMayPost(db, id, by.role, by.costBandPct);
  if (!queue.isReady()) throw new ServiceUnavailableError('the job queue is unreachable right now; retry');
  const request = await withTransaction(db, async (trx) => {
    const r = await requestPosting(trx, id);
    if (r.kind === 'posting') {
      await audit?.(trx, { action: 'invoice.posted', entityType: 'invoice', entityId: id, after: { status: 'posting', postedBy: by.name, priceChanges: await priceChangesOf(trx, id, by.costBandPct) } });
    }
    return r;
  });
  if (request.kind === 'not_found') throw new NotFoundError('invoice', id);
  if (request.kind === 'already') return { id, status: request.status };
  if (request.kind === 'not_ready') {
    throw new ConflictError('invoice_not_ready', `an invoice is posted from needs_review or ready with every line matched to a product (status ${request.status}, ${request.unmatched} unmatched lines); correct it with PATCH first`);
  }
  // The explicit command of a reviewer: every line has a product, so it goes out as is.
  await queue.enqueuePosting(id);
  return { id, status: 'posting' };
}

/** Approves the cost changes of an invoice (past the band) so a stock role may post it. */
export async function approveInvoicePrices(db: Database, id: string, approvedBy: string, opts: { minMatchScore: number; costBandPct: number }, audit?: AuditHook): Promise<InvoiceView> {
  const approval = await withTransaction(db, async (trx) => {
    const a = await approvePrices(trx, id, approvedBy);
    if (a.kind === 'ok') await audit?.(trx, { action: 'invoice.prices_approved', entityType: 'invoice', entityId: id, after: { priceChanges: await priceChangesOf(trx, id, opts.costBandPct) } });
    return a;
  });
  if (approval.kind === 'not_found') throw new NotFoundError('invoice', id);
  if (approval.kind === 'not_editable') throw new ConflictError('invoice_not_editable', `only invoices in needs_review or ready can be approved (status ${approval.status})`);
  return (await getInvoiceView(db, id, opts))!;
}
