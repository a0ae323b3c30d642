import type { Transaction } from 'kysely';
import type { DB } from '../database.js';

export interface SuggestedLine {
  product_id: number;
  supplier_code: string | null;
  packs: number;
  quantity: string;
}

/** The suggestions of a day and location with packs to order, by product (only `productIds` when given). */
export async function suggestedLines(trx: Transaction<DB>, day: string, locationId: number, productIds?: number[]): Promise<SuggestedLine[]> {
  return trx
    .selectFrom('reorder_suggestions')
    .select(['product_id', 'supplier_code', 'packs', 'quantity'])
    .where('origin_day', '=', day)
    .where('location_id', '=', locationId)
    .where('packs', '>', 0)
    .$if(productIds !== undefined, (q) => q.where('product_id', 'in', productIds!.length ? productIds! : [-1]))
    .orderBy('product_id')
    .execute();
}

/**
 * The open draft with this key (one per key among drafts, by a partial unique index), created
 * when missing, with these lines added; lines already there stay as they are, so a retry returns
 * the same draft. Once a draft is ordered or cancelled the next call opens a new one.
 */
export async function ensureDraft(
  trx: Transaction<DB>,
  d: { key: string; supplier: string; locationId: number; day: string; lines: SuggestedLine[] },
): Promise<{ id: number; status: string }> {
  await trx
    .insertInto('purchase_order_drafts')
    .values({ draft_key: d.key, supplier_code: d.supplier, location_id: d.locationId, origin_day: d.day })
    .onConflict((oc) => oc.column('draft_key').where('status', '=', 'draft').doNothing())
    .execute();
  const draft = await trx.selectFrom('purchase_order_drafts').select(['id', 'status']).where('draft_key', '=', d.key).where('status', '=', 'draft').executeTakeFirstOrThrow();
  await trx
    .insertInto('purchase_order_draft_lines')
    .values(d.lines.map((l) => ({ draft_id: draft.id, product_id: l.product_id, packs: l.packs, quantity: l.quantity })))
    .onConflict((oc) => oc.columns(['draft_id', 'product_id']).doNothing())
    .execute();
  return draft;
}
