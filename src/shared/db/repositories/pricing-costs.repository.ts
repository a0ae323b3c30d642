import type { Transaction } from 'kysely';
import { getConfig } from '../../config.js';
import type { DB, Database } from '../database.js';
import { classifyCostChange, isAlert, type CostChange } from '../../domain/pricing/cost-alerts.js';
import { formatPercent, percentColumnBp } from '../../domain/pricing/rates.js';
import { formatMoney } from '../../domain/quantity.js';
import { PermanentError } from '../../errors.js';

export interface RecordedCost {
  replacementCostId: number;
  previousCostCents: number | null;
  change: CostChange;
  /** The alert written for this cost, if the change reached a band or the product now sells at a loss. */
  alertId: number | null;
}

/**
 * Records a new replacement cost for a product inside the caller's transaction (an invoice
 * posting, a manual correction): locks the product row, keeps the cost history, updates the
 * product's current cost, and writes a cost alert when the change reaches a configured band
 * (default 5 / 15 / 25 %) or the cost is above the current price net of national taxes.
 * Does not reprice: enqueue a repricing run for the touched products after commit.
 */
export async function recordReplacementCost(
  trx: Transaction<DB>,
  productId: number,
  costCents: number,
  source: string,
  { bandsPct = getConfig().COST_ALERT_BANDS_PCT, now = new Date() }: { bandsPct?: readonly number[]; now?: Date } = {},
): Promise<RecordedCost> {
  if (!Number.isSafeInteger(costCents) || costCents < 0) throw new PermanentError(`a replacement cost must be whole centavos ≥ 0, got ${costCents}`, 'invalid_cost');
  const product = await trx
    .selectFrom('products')
    .select(['id', 'replacement_cost_cents', 'price_cents', 'iva_rate_pct', 'internal_tax_pct'])
    .where('id', '=', productId)
    .forUpdate()
    .executeTakeFirst();
  if (!product) throw new PermanentError(`no product with id ${productId}`, 'product_not_found');
  const previous = product.replacement_cost_cents;
  const change = classifyCostChange(previous, costCents, bandsPct, {
    cents: product.price_cents,
    ivaBp: percentColumnBp(product.iva_rate_pct),
    internalTaxBp: percentColumnBp(product.internal_tax_pct),
  });
  const cost = await trx
    .insertInto('replacement_costs')
    .values({ product_id: productId, cost_cents: costCents, previous_cost_cents: previous, source, recorded_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx.updateTable('products').set({ replacement_cost_cents: costCents, cost_updated_at: now }).where('id', '=', productId).execute();
  let alertId: number | null = null;
  if (isAlert(change)) {
    const alert = await trx
      .insertInto('cost_alerts')
      .values({
        product_id: productId,
        replacement_cost_id: cost.id,
        previous_cost_cents: previous,
        new_cost_cents: costCents,
        change_bp: change.changeBp,
        band_pct: change.bandPct,
        selling_at_loss: change.sellingAtLoss,
        price_cents: product.price_cents,
        source,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    alertId = alert.id;
  }
  return { replacementCostId: cost.id, previousCostCents: previous, change, alertId };
}

export interface CostAlertView {
  id: number;
  sku: string;
  name: string;
  category: string;
  previousCost: string | null;
  newCost: string;
  changePct: string | null;
  bandPct: number | null;
  sellingAtLoss: boolean;
  price: string | null;
  source: string;
  createdAt: Date;
}

export interface CostAlertFilter {
  bandPct?: number;
  sellingAtLoss?: boolean;
  sku?: string;
  beforeId?: number;
  limit: number;
}

/** Cost alerts, newest first, with a cursor on the alert id. */
export async function listCostAlerts(db: Database, f: CostAlertFilter) {
  let q = db
    .selectFrom('cost_alerts as a')
    .innerJoin('products as p', 'p.id', 'a.product_id')
    .select(['a.id', 'p.sku', 'p.name', 'p.category', 'a.previous_cost_cents', 'a.new_cost_cents', 'a.change_bp', 'a.band_pct', 'a.selling_at_loss', 'a.price_cents', 'a.source', 'a.created_at']);
  if (f.bandPct !== undefined) q = q.where('a.band_pct', '=', f.bandPct);
  if (f.sellingAtLoss !== undefined) q = q.where('a.selling_at_loss', '=', f.sellingAtLoss);
  if (f.sku) q = q.where('p.sku', '=', f.sku);
  if (f.beforeId) q = q.where('a.id', '<', f.beforeId);
  const rows = await q.orderBy('a.id', 'desc').limit(f.limit + 1).execute();
  const page = rows.slice(0, f.limit);
  return {
    items: page.map(
      (r): CostAlertView => ({
        id: r.id,
        sku: r.sku,
        name: r.name,
        category: r.category,
        previousCost: r.previous_cost_cents === null ? null : formatMoney(r.previous_cost_cents),
        newCost: formatMoney(r.new_cost_cents),
        changePct: r.change_bp === null ? null : formatPercent(r.change_bp),
        bandPct: r.band_pct,
        sellingAtLoss: r.selling_at_loss,
        price: r.price_cents === null ? null : formatMoney(r.price_cents),
        source: r.source,
        createdAt: r.created_at,
      }),
    ),
    lastId: page.at(-1)?.id ?? null,
    more: rows.length > f.limit,
  };
}
