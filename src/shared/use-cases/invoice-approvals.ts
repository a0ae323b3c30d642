/**
 * Roles on the invoice path. Posting an invoice does two things: it receives stock (a stock
 * role: deposito) and it records replacement costs that reprice products (a price role:
 * negocio). A line whose cost moves more than `INVOICE_COST_BAND_PCT` from the product's
 * current replacement cost (or sets a first cost) is a price change: correcting it that way, or
 * posting it, needs a price role — or a price role's approval first, so a deposito can post.
 */
import { sql, type Transaction } from 'kysely';
import type { Database, DB, Role } from '../db/database.js';
import { ForbiddenError } from '../errors.js';

/** Roles allowed to change shelf prices (admin can do everything). */
export const PRICE_ROLES: readonly Role[] = ['admin', 'negocio'];
/** Roles allowed to receive stock. */
export const STOCK_ROLES: readonly Role[] = ['admin', 'deposito'];

export interface PriceChange {
  lineNo: number;
  productId: number;
  currentCostCents: number | null;
  newCostCents: number;
}

/** Matched lines of an invoice whose unit cost is outside the band around the current replacement cost. */
export async function priceChangesOf(db: Database | Transaction<DB>, invoiceId: string, bandPct: number): Promise<PriceChange[]> {
  const { rows } = await sql<{ line_no: number; product_id: number; current: string | null; new_cost: string }>`
    SELECT l.line_no, l.product_id, p.replacement_cost_cents::text AS current,
           round(l.amount_cents / nullif(l.quantity * l.pack_units, 0))::text AS new_cost
      FROM invoice_lines l JOIN products p ON p.id = l.product_id
     WHERE l.invoice_id = ${invoiceId}
     ORDER BY l.line_no`.execute(db);
  return rows
    .map((r) => ({ lineNo: r.line_no, productId: r.product_id, currentCostCents: r.current === null ? null : Number(r.current), newCostCents: Number(r.new_cost ?? 0) }))
    .filter((c) => c.currentCostCents === null || Math.abs(c.newCostCents - c.currentCostCents) * 100 > bandPct * c.currentCostCents);
}

const describe = (changes: PriceChange[]) =>
  changes
    .slice(0, 5)
    .map((c) => `line ${c.lineNo}: cost ${c.currentCostCents === null ? 'none' : (c.currentCostCents / 100).toFixed(2)} → ${(c.newCostCents / 100).toFixed(2)}`)
    .join('; ');

/** A correction that leaves a cost outside the band is a price change: only a price role may make it. */
export async function assertMayCorrect(trx: Transaction<DB>, invoiceId: string, role: Role, bandPct: number, touchedLines: number[]): Promise<void> {
  if (PRICE_ROLES.includes(role) || !touchedLines.length) return;
  const changes = (await priceChangesOf(trx, invoiceId, bandPct)).filter((c) => touchedLines.includes(c.lineNo));
  if (changes.length) {
    throw new ForbiddenError(`this correction changes costs by more than ${bandPct} % (${describe(changes)}), which changes shelf prices; a role allowed to change prices (negocio or admin) must make it`);
  }
}

/** Posting receives stock (stock role) and, past the band, changes prices (price role or its prior approval). */
export async function assertMayPost(db: Database, invoiceId: string, role: Role, bandPct: number): Promise<void> {
  if (!STOCK_ROLES.includes(role)) throw new ForbiddenError(`posting an invoice receives stock; it needs one of the roles ${STOCK_ROLES.join(', ')}; your role is ${role}`);
  if (PRICE_ROLES.includes(role)) return;
  const inv = await db.selectFrom('invoices').select(['prices_approved_at']).where('id', '=', invoiceId).executeTakeFirst();
  if (inv?.prices_approved_at) return;
  const changes = await priceChangesOf(db, invoiceId, bandPct);
  if (changes.length) {
    throw new ForbiddenError(`posting this invoice changes costs by more than ${bandPct} % (${describe(changes)}) and so shelf prices; a role allowed to change prices (negocio or admin) must approve it first with POST /v1/invoices/{id}/approve-prices`);
  }
}

/** Records a price role's approval of the invoice's costs. */
export async function approvePrices(db: Database | Transaction<DB>, invoiceId: string, approvedBy: string): Promise<{ kind: 'ok' } | { kind: 'not_found' } | { kind: 'not_editable'; status: string }> {
  const r = await db.updateTable('invoices').set({ prices_approved_by: approvedBy, prices_approved_at: new Date() }).where('id', '=', invoiceId).where('status', 'in', ['needs_review', 'ready']).executeTakeFirst();
  if (Number(r.numUpdatedRows) > 0) return { kind: 'ok' };
  const inv = await db.selectFrom('invoices').select('status').where('id', '=', invoiceId).executeTakeFirst();
  return inv ? { kind: 'not_editable', status: inv.status } : { kind: 'not_found' };
}

/** A corrected cost voids an earlier approval: the new one needs its own. */
export async function clearPriceApproval(trx: Transaction<DB>, invoiceId: string): Promise<void> {
  await trx.updateTable('invoices').set({ prices_approved_by: null, prices_approved_at: null }).where('id', '=', invoiceId).execute();
}
