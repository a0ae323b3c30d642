/**
 * What posting an invoice did, for the person who posted it: the receipt movements it wrote
 * (and their outcome), the replacement costs it changed, the cost alerts those caused, and the
 * repricing run of the touched products with its label batch. Everything is found by the
 * references posting writes (`invoice:<id>` on movements, costs and alerts; run `invoice-<id>`).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, DB } from '../db/database.js';
import { withTransaction } from '../db/transaction.js';
import { formatMoney, normalizeQuantity } from '../domain/quantity.js';
import { formatPercent } from '../domain/pricing/rates.js';

const money = (c: number | null) => (c === null ? null : formatMoney(c));

async function readPosting(trx: Transaction<DB>, invoiceId: string) {
  const inv = await trx.selectFrom('invoices').select(['id', 'status', 'posted_at', 'duplicate_of']).where('id', '=', invoiceId).executeTakeFirst();
  if (!inv) return undefined;
  const ref = `invoice:${invoiceId}`;
  const [receipts, costs, alerts, run] = await Promise.all([
    trx
      .selectFrom('movement_requests as m')
      .innerJoin('products as p', 'p.id', 'm.product_id')
      .innerJoin('locations as l', 'l.id', 'm.location_id')
      .select(['m.id', 'p.sku', 'p.name', 'p.unit', 'l.code as location', 'm.quantity', 'm.unit_cost_cents', 'm.status', 'm.rejection_reason', 'm.balance_after', 'm.idempotency_key'])
      .where('m.reference', '=', ref)
      .where('m.type', '=', 'receipt')
      .orderBy('m.idempotency_key')
      .execute(),
    trx
      .selectFrom('replacement_costs as c')
      .innerJoin('products as p', 'p.id', 'c.product_id')
      .select(['p.sku', 'p.name', 'c.previous_cost_cents', 'c.cost_cents', 'c.recorded_at'])
      .where('c.source', '=', ref)
      .orderBy('p.name')
      .execute(),
    trx
      .selectFrom('cost_alerts as a')
      .innerJoin('products as p', 'p.id', 'a.product_id')
      .select(['a.id', 'p.sku', 'p.name', 'a.previous_cost_cents', 'a.new_cost_cents', 'a.change_bp', 'a.band_pct', 'a.selling_at_loss', 'a.price_cents'])
      .where('a.source', '=', ref)
      .orderBy('a.id')
      .execute(),
    trx
      .selectFrom('price_runs as r')
      .leftJoin('label_batches as b', 'b.run_id', 'r.id')
      .select(['r.id', 'r.status', 'r.products_changed', 'b.id as label_batch_id'])
      .where('r.id', '=', `invoice-${invoiceId}`)
      .executeTakeFirst(),
  ]);
  return { inv, receipts, costs, alerts, run };
}

/**
 * Read in one snapshot (a read-only REPEATABLE READ transaction): posting writes the receipts, the
 * costs and their alerts in one transaction, and reads on separate connections could straddle its
 * commit — a page once showed the cost alerts of an invoice with none of its receipts or costs.
 */
export async function getInvoicePostingResult(db: Database, invoiceId: string) {
  const read = await withTransaction(db, (trx) => readPosting(trx, invoiceId), { isolation: 'repeatable read', readOnly: true });
  if (!read) return undefined;
  const { inv, receipts, costs, alerts, run } = read;
  const lineNo = (key: string) => Number(/-(\d+)$/.exec(key)?.[1] ?? 0);
  return {
    id: inv.id,
    status: inv.status,
    postedAt: inv.posted_at,
    duplicateOf: inv.duplicate_of,
    receipts: receipts
      .map((r) => ({
        lineNo: lineNo(r.idempotency_key),
        movementId: r.id,
        sku: r.sku,
        name: r.name,
        unit: r.unit,
        location: r.location,
        quantity: normalizeQuantity(r.quantity),
        unitCost: money(r.unit_cost_cents === null ? null : Math.round(r.unit_cost_cents)),
        status: r.status,
        rejectionReason: r.rejection_reason,
        balanceAfter: r.balance_after === null ? null : normalizeQuantity(r.balance_after),
      }))
      .sort((a, b) => a.lineNo - b.lineNo),
    costChanges: costs.map((c) => ({
      sku: c.sku,
      name: c.name,
      previousCost: money(c.previous_cost_cents),
      newCost: formatMoney(c.cost_cents),
      changePct:
        c.previous_cost_cents === null || c.previous_cost_cents === 0
          ? null
          : formatPercent(Math.round(((c.cost_cents - c.previous_cost_cents) * 10_000) / c.previous_cost_cents)),
      recordedAt: c.recorded_at,
    })),
    alerts: alerts.map((a) => ({
      id: a.id,
      sku: a.sku,
      name: a.name,
      previousCost: money(a.previous_cost_cents),
      newCost: formatMoney(a.new_cost_cents),
      changePct: a.change_bp === null ? null : formatPercent(a.change_bp),
      bandPct: a.band_pct,
      sellingAtLoss: a.selling_at_loss,
      price: money(a.price_cents),
    })),
    repricing: run
      ? { runId: run.id, status: run.status, productsChanged: run.products_changed, labelBatchId: run.label_batch_id ?? null, href: `/v1/price-runs/${run.id}` }
      : null,
  };
}

/** Invoices per status, for the list's tabs and the summary page. */
export async function countInvoicesByStatus(db: Kysely<DB>): Promise<Record<string, number>> {
  const rows = await db.selectFrom('invoices').select(['status', sql<number>`count(*)::int`.as('n')]).groupBy('status').execute();
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
