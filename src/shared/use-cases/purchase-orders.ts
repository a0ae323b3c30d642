/**
 * Purchase orders: drafts made from the day's reorder suggestions (one per supplier), then
 * ordered or cancelled by a person. Ordered drafts count as stock on order in the next
 * suggestions, so marking one ordered matters.
 *
 * States: draft → ordered → cancelled, or draft → cancelled. Asking for the state a draft is
 * already in is a harmless retry (nothing changes, the first who/when stay); anything else is
 * `illegal_transition`.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/database.js';
import { withTransaction } from '../db/transaction.js';
import { NO_SUPPLIER } from '../db/repositories/forecast-views.repository.js';
import { ensureDraft, suggestedLines, type SuggestedLine } from '../db/repositories/purchase-orders.repository.js';
import { ConflictError, NotFoundError, UnprocessableError } from '../errors.js';
import { formatMoney, normalizeQuantity } from '../domain/quantity.js';

export type PurchaseOrderStatus = 'draft' | 'ordered' | 'received' | 'cancelled';

/** Who did something: `ref` is stable (`key:3`, `user:7`), `name` is for people. */
export interface Actor {
  ref: string;
  name: string;
}


const TRANSITIONS: Record<PurchaseOrderStatus, readonly PurchaseOrderStatus[]> = {
  draft: ['ordered', 'cancelled'],
  ordered: ['cancelled'],
  received: [],
  cancelled: [],
};

export function canTransition(from: PurchaseOrderStatus, to: PurchaseOrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

async function locationIdOf(db: Kysely<DB>, code: string): Promise<number> {
  const loc = await db.selectFrom('locations').select('id').where('code', '=', code).executeTakeFirst();
  if (!loc) throw new NotFoundError('location', code);
  return loc.id;
}

export interface DraftRequest {
  location: string;
  originDay?: string;
  /** Only these suppliers' lines. */
  suppliers?: string[];
  /** Only these products' lines (the lines a person selected). */
  skus?: string[];
}

/**
 * Groups the day's reorder suggestions (packs > 0) into one open draft per supplier. The same
 * request again returns the same drafts and adds no lines; once a supplier's draft was ordered
 * or cancelled, the next request opens a new one.
 */
export async function createPurchaseOrderDrafts(db: Kysely<DB>, req: DraftRequest) {
  const loc = await locationIdOf(db, req.location);
  const day =
    req.originDay ??
    (await db.selectFrom('reorder_suggestions').select(sql<string | null>`max(origin_day)::text`.as('day')).where('location_id', '=', loc).executeTakeFirst())?.day ??
    undefined;
  if (!day) throw new UnprocessableError('no_reorder_suggestions', `there are no reorder suggestions for ${req.location} yet; run a forecast first (POST /v1/forecasts/runs)`);
  let selected: { id: number; sku: string }[] | undefined;
  if (req.skus) {
    selected = await db.selectFrom('products').select(['id', 'sku']).where('sku', 'in', req.skus).execute();
    const missing = req.skus.filter((s) => !selected!.some((f) => f.sku === s));
    if (missing.length) throw new UnprocessableError('unknown_sku', `no product with SKU ${missing.join(', ')}`, { skus: missing });
  }
  const drafts = await withTransaction(db, async (trx) => {
    const lines = await suggestedLines(trx, day, loc, selected?.map((p) => p.id));
    if (selected && lines.length < selected.length) {
      const have = new Set(lines.map((l) => l.product_id));
      const skus = selected.filter((p) => !have.has(p.id)).map((p) => p.sku);
      throw new UnprocessableError('nothing_to_order', `these products have no reorder suggestion with packs to order on ${day}: ${skus.join(', ')}`, { skus });
    }
    const bySupplier = new Map<string, SuggestedLine[]>();
    for (const l of lines) {
      const s = l.supplier_code ?? NO_SUPPLIER;
      if (req.suppliers && !req.suppliers.includes(s)) continue;
      bySupplier.set(s, [...(bySupplier.get(s) ?? []), l]);
    }
    const out: { id: number; supplier: string; status: PurchaseOrderStatus }[] = [];
    for (const [supplier, supplierLines] of [...bySupplier.entries()].sort(([a], [c]) => a.localeCompare(c))) {
      const draft = await ensureDraft(trx, { key: `${req.location}:${day}:${supplier}`, supplier, locationId: loc, day, lines: supplierLines });
      out.push({ id: draft.id, supplier, status: draft.status as PurchaseOrderStatus });
    }
    return out;
  });
  const lines = await draftLines(db, drafts.map((d) => d.id));
  return { location: req.location, originDay: day, drafts: drafts.map((d) => ({ ...d, lines: lines.get(d.id) ?? [] })) };
}

export interface PurchaseOrderLine {
  sku: string;
  name: string;
  unit: string;
  barcode: string | null;
  packs: number;
  packSize: string;
  quantity: string;
  /** Replacement cost per unit (net of IVA), if known. */
  unitCost: string | null;
  /** quantity × unit cost, rounded to centavos. */
  amount: string | null;
}

async function draftLines(db: Kysely<DB> | Transaction<DB>, ids: number[]): Promise<Map<number, PurchaseOrderLine[]>> {
  const out = new Map<number, PurchaseOrderLine[]>();
  if (!ids.length) return out;
  const rows = await db
    .selectFrom('purchase_order_draft_lines as l')
    .innerJoin('products as p', 'p.id', 'l.product_id')
    .select(['l.draft_id', 'p.sku', 'p.name', 'p.unit', 'p.barcode', 'l.packs', 'l.quantity', 'p.replacement_cost_cents', sql<string>`round(l.quantity / l.packs, 3)::text`.as('pack_size')])
    .where('l.draft_id', 'in', ids)
    .orderBy('p.name')
    .orderBy('p.sku')
    .execute();
  for (const r of rows) {
    const cost = r.replacement_cost_cents;
    const amount = cost === null ? null : Math.round(Number(r.quantity) * cost);
    const line: PurchaseOrderLine = {
      sku: r.sku,
      name: r.name,
      unit: r.unit,
      barcode: r.barcode,
      packs: r.packs,
      packSize: normalizeQuantity(r.pack_size),
      quantity: normalizeQuantity(r.quantity),
      unitCost: cost === null ? null : formatMoney(cost),
      amount: amount === null ? null : formatMoney(amount),
    };
    out.set(r.draft_id, [...(out.get(r.draft_id) ?? []), line]);
  }
  return out;
}

function ordersQuery(db: Kysely<DB> | Transaction<DB>) {
  return db
    .selectFrom('purchase_order_drafts as d')
    .innerJoin('locations as l', 'l.id', 'd.location_id')
    .select([
      'd.id', 'd.supplier_code', 'l.code as location', sql<string>`d.origin_day::text`.as('origin_day'), 'd.status', 'd.created_at', 'd.updated_at',
      'd.ordered_at', 'd.ordered_by', 'd.cancelled_at', 'd.cancelled_by',
      sql<number>`(SELECT count(*)::int FROM purchase_order_draft_lines x WHERE x.draft_id = d.id)`.as('line_count'),
    ]);
}

type OrderRow = Awaited<ReturnType<ReturnType<typeof ordersQuery>['executeTakeFirstOrThrow']>>;

const stamp = (at: Date | null, by: string | null) => (at && by ? { at, by } : null);

function toOrderView(r: OrderRow) {
  return {
    id: r.id,
    supplier: r.supplier_code,
    location: r.location,
    originDay: r.origin_day,
    status: r.status,
    lineCount: r.line_count,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ordered: stamp(r.ordered_at, r.ordered_by),
    cancelled: stamp(r.cancelled_at, r.cancelled_by),
  };
}

export interface PurchaseOrderFilter {
  status?: PurchaseOrderStatus;
  location?: string;
  supplier?: string;
  beforeId?: number;
  limit: number;
}

/** Purchase orders, newest first (cursor on the id). */
export async function listPurchaseOrders(db: Kysely<DB>, f: PurchaseOrderFilter) {
  let q = ordersQuery(db);
  if (f.status) q = q.where('d.status', '=', f.status);
  if (f.location) q = q.where('l.code', '=', f.location);
  if (f.supplier) q = q.where('d.supplier_code', '=', f.supplier);
  if (f.beforeId) q = q.where('d.id', '<', f.beforeId);
  const rows = await q.orderBy('d.id', 'desc').limit(f.limit + 1).execute();
  const page = rows.slice(0, f.limit);
  return { items: page.map(toOrderView), lastId: page.at(-1)?.id ?? null, more: rows.length > f.limit };
}

/** One purchase order with its lines (by product name) and its history of state changes. */
export async function getPurchaseOrder(db: Kysely<DB> | Transaction<DB>, id: number) {
  const row = await ordersQuery(db).where('d.id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const [lines, events] = await Promise.all([
    draftLines(db, [id]),
    db.selectFrom('purchase_order_events').select(['from_status', 'to_status', 'actor', 'actor_name', 'at']).where('draft_id', '=', id).orderBy('id').execute(),
  ]);
  const items = lines.get(id) ?? [];
  const known = items.filter((l) => l.amount !== null);
  const total = known.reduce((s, l) => s + Math.round(Number(l.amount) * 100), 0);
  return {
    ...toOrderView(row),
    lines: items,
    /** Σ line amounts (lines without a known cost are left out; `linesWithoutCost` says how many). */
    estimatedTotal: formatMoney(total),
    linesWithoutCost: items.length - known.length,
    events: events.map((e) => ({ from: e.from_status, to: e.to_status, by: { ref: e.actor, name: e.actor_name }, at: e.at })),
  };
}

/**
 * Moves a purchase order to `ordered` or `cancelled`, stamping who and when, in one transaction
 * (the row lock orders concurrent requests). Same state again: unchanged, `changed: false`.
 */
export async function changePurchaseOrderStatus(db: Kysely<DB>, id: number, to: 'ordered' | 'cancelled', actor: Actor, now = new Date()) {
  return withTransaction(db, async (trx) => {
    const current = await trx.selectFrom('purchase_order_drafts').select(['status']).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!current) throw new NotFoundError('purchase order', String(id));
    if (current.status === to) return { order: (await getPurchaseOrder(trx, id))!, changed: false };
    if (!canTransition(current.status, to)) {
      throw new ConflictError('illegal_transition', `purchase order ${id} is ${current.status}; it can go to ${TRANSITIONS[current.status].join(' or ') || 'no other state'}, not ${to}`, {
        from: current.status,
        to,
      });
    }
    const by = `${actor.name} (${actor.ref})`;
    await trx
      .updateTable('purchase_order_drafts')
      .set({ status: to, updated_at: now, ...(to === 'ordered' ? { ordered_at: now, ordered_by: by } : { cancelled_at: now, cancelled_by: by }) })
      .where('id', '=', id)
      .execute();
    await trx.insertInto('purchase_order_events').values({ draft_id: id, from_status: current.status, to_status: to, actor: actor.ref, actor_name: actor.name, at: now }).execute();
    return { order: (await getPurchaseOrder(trx, id))!, changed: true };
  });
}
