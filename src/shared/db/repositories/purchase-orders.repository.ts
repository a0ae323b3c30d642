import type { Transaction } from 'kysely';
import type { DB } from '../database.js';

export interface SuggestedLine {
  product_id: number;
  supplier_code: string | null;
  packs: number;
  quantity: string;
}

/** The suggestions of a day and location with packs to order, by product. */
export async function suggestedLines(trx: Transaction<DB>, day: string, locationId: number): Promise<SuggestedLine[]> {
  return trx
    .selectFrom('reorder_suggestions')
    .select(['product_id', 'supplier_code', 'packs', 'quantity'])
    .where('origin_day', '=', day)
    .where('location_id', '=', locationId)
    .where('packs', '>', 0)
    .orderBy('product_id')
    .execute();
}

/**
 * The draft with this key, created with its lines when missing; lines already there stay as they
 * are, so a retry returns the same draft.
 */
export async function ensureDraft(
  trx: Transaction<DB>,
  d: { key: string; supplier: string; locationId: number; day: string; lines: SuggestedLine[] },
): Promise<{ id: number; status: string }> {
  await trx.insertInto('purchase_order_drafts').values({ draft_key: d.key, supplier_code: d.supplier, location_id: d.locationId, origin_day: d.day }).onConflict((oc) => oc.column('draft_key').doNothing()).execute();
  const draft = await trx.selectFrom('purchase_order_drafts').select(['id', 'status']).where('draft_key', '=', d.key).executeTakeFirstOrThrow();
  await trx
    .insertInto('purchase_order_draft_lines')
    .values(d.lines.map((l) => ({ draft_id: draft.id, product_id: l.product_id, packs: l.packs, quantity: l.quantity })))
    .onConflict((oc) => oc.columns(['draft_id', 'product_id']).doNothing())
    .execute();
  return draft;
}
