import test from 'ava';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';
import { newApiKey, newLocation, newProduct } from '../../helpers/factories.js';

const DAY = '2025-09-01';
let sys: TestSystem;
let location: string;
let negocioKey: string;
let viewerKey: string;
const skus: string[] = [];

test.before(async () => {
  sys = await startTestSystem({ workers: false });
  const db = sys.database.db;
  const loc = await newLocation(db);
  location = loc.code;
  // Four suggestions: two from supplier A (one with nothing to order), one from B, one without a supplier.
  const plan = [
    { supplier: 'PROV-A', packs: 2, pack: '12' },
    { supplier: 'PROV-A', packs: 0, pack: '6' },
    { supplier: 'PROV-B', packs: 1, pack: '24' },
    { supplier: null, packs: 3, pack: '1' },
  ];
  for (const [i, p] of plan.entries()) {
    const product = await newProduct(db, { sku: `PO-${i}` });
    skus.push(product.sku);
    await db.updateTable('products').set({ supplier_code: p.supplier, supplier_pack_size: p.pack, replacement_cost_cents: 1000 * (i + 1) }).where('id', '=', product.id).execute();
    await db
      .insertInto('reorder_suggestions')
      .values({
        product_id: product.id,
        location_id: loc.id,
        origin_day: DAY,
        model_version: 'test',
        supplier_code: p.supplier,
        demand: '10',
        safety_stock: '2',
        on_hand: '1',
        on_order: '0',
        pack_size: p.pack,
        packs: p.packs,
        quantity: String(p.packs * Number(p.pack)),
      })
      .execute();
  }
  negocioKey = await newApiKey(db, 'negocio');
  viewerKey = await newApiKey(db, 'viewer');
});

test.after.always(async () => {
  await sys?.close();
});

test.serial('suggestions explain themselves with lead time and review period', async (t) => {
  const res = await sys.http(`/v1/reorder-suggestions?location=${location}`, { key: viewerKey });
  t.is(res.status, 200);
  t.is(res.body.items.length, 3);
  const first = res.body.items.find((i: { sku: string }) => i.sku === skus[0]);
  t.is(first.leadTimeDays, 2);
  t.is(first.reviewPeriodDays, 7);
  t.is(first.safetyStock, '2.000');
});

test.serial('selected lines become one open draft per supplier; the same request returns the same drafts', async (t) => {
  const bad = await sys.http('/v1/purchase-orders/drafts', { method: 'POST', json: { location, skus: ['NOPE'] }, key: negocioKey });
  t.is(bad.status, 422);
  t.is(bad.body.code, 'unknown_sku');
  const nothing = await sys.http('/v1/purchase-orders/drafts', { method: 'POST', json: { location, skus: [skus[1]] }, key: negocioKey });
  t.is(nothing.status, 422);
  t.is(nothing.body.code, 'nothing_to_order');
  t.is((await sys.http('/v1/purchase-orders/drafts', { method: 'POST', json: { location }, key: viewerKey })).status, 403);

  const res = await sys.http('/v1/purchase-orders/drafts', { method: 'POST', json: { location, skus: [skus[0], skus[2]] }, key: negocioKey });
  t.is(res.status, 201, JSON.stringify(res.body));
  t.is(res.body.originDay, DAY);
  t.deepEqual(res.body.drafts.map((d: { supplier: string }) => d.supplier), ['PROV-A', 'PROV-B']);
  t.deepEqual(res.body.drafts[0].lines.map((l: { sku: string; packs: number; quantity: string }) => [l.sku, l.packs, l.quantity]), [[skus[0], 2, '24']]);
  t.is(res.body.drafts[0].lines[0].packSize, '12');
  t.is(res.body.drafts[0].lines[0].amount, '240.00');

  // Adding the rest goes into the same open drafts, and a retry adds nothing.
  const all = await sys.http('/v1/purchase-orders/drafts', { method: 'POST', json: { location }, key: negocioKey });
  const again = await sys.http('/v1/purchase-orders/drafts', { method: 'POST', json: { location }, key: negocioKey });
  t.deepEqual(all.body.drafts.map((d: { id: number }) => d.id).slice(0, 2), res.body.drafts.map((d: { id: number }) => d.id));
  t.deepEqual(again.body, all.body);
  t.deepEqual(all.body.drafts.map((d: { supplier: string }) => d.supplier), ['PROV-A', 'PROV-B', 'SIN-PROVEEDOR']);
  const n = await sys.database.db.selectFrom('purchase_order_draft_lines').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  t.is(Number(n.n), 3);
});

test.serial('a draft is ordered then cancelled, with who and when; illegal transitions are refused', async (t) => {
  const list = await sys.http('/v1/purchase-orders?status=draft&supplier=PROV-A', { key: viewerKey });
  t.is(list.status, 200);
  t.is(list.body.items.length, 1);
  const id = list.body.items[0].id;
  t.is((await sys.http(`/v1/purchase-orders/${id}/order`, { method: 'POST', key: viewerKey })).status, 403);

  const ordered = await sys.http(`/v1/purchase-orders/${id}/order`, { method: 'POST', key: negocioKey });
  t.is(ordered.status, 200);
  t.is(ordered.body.status, 'ordered');
  t.regex(ordered.body.ordered.by, /^test negocio \(key:\d+\)$/);
  t.truthy(Date.parse(ordered.body.ordered.at));
  t.is(ordered.body.cancelled, null);
  // Ordering again is a harmless retry: same stamp, no second event.
  const twice = await sys.http(`/v1/purchase-orders/${id}/order`, { method: 'POST', key: negocioKey });
  t.is(twice.status, 200);
  t.deepEqual(twice.body.ordered, ordered.body.ordered);
  t.is(twice.body.events.length, 1);

  // An ordered draft no longer takes lines: the next request opens a new draft for that supplier.
  const next = await sys.http('/v1/purchase-orders/drafts', { method: 'POST', json: { location, suppliers: ['PROV-A'] }, key: negocioKey });
  t.is(next.status, 201);
  t.not(next.body.drafts[0].id, id);

  const cancelled = await sys.http(`/v1/purchase-orders/${id}/cancel`, { method: 'POST', key: negocioKey });
  t.is(cancelled.status, 200);
  t.is(cancelled.body.status, 'cancelled');
  t.deepEqual(cancelled.body.events.map((e: { from: string; to: string }) => `${e.from}>${e.to}`), ['draft>ordered', 'ordered>cancelled']);

  const illegal = await sys.http(`/v1/purchase-orders/${id}/order`, { method: 'POST', key: negocioKey });
  t.is(illegal.status, 409);
  t.is(illegal.body.code, 'illegal_transition');
  t.regex(illegal.body.detail ?? illegal.body.message ?? '', /cancelled/);
  const row = await sys.database.db.selectFrom('purchase_order_drafts').select(['status', 'ordered_at']).where('id', '=', id).executeTakeFirstOrThrow();
  t.is(row.status, 'cancelled');

  t.is((await sys.http('/v1/purchase-orders/999999/order', { method: 'POST', key: negocioKey })).status, 404);
  t.is((await sys.http('/v1/purchase-orders/abc', { key: negocioKey })).status, 400);
});

test.serial('a draft cancelled straight away never counts as ordered', async (t) => {
  const list = await sys.http('/v1/purchase-orders?status=draft&supplier=PROV-B', { key: viewerKey });
  const id = list.body.items[0].id;
  const res = await sys.http(`/v1/purchase-orders/${id}/cancel`, { method: 'POST', key: negocioKey });
  t.is(res.body.status, 'cancelled');
  t.is(res.body.ordered, null);
  const got = await sys.http(`/v1/purchase-orders/${id}`, { key: viewerKey });
  t.is(got.body.lines.length, 1);
  t.is(got.body.estimatedTotal, '720.00');
});

test.serial('sales history lists units sold per day up to the last day with sales', async (t) => {
  const db = sys.database.db;
  const p = await db.selectFrom('products').select('id').where('sku', '=', skus[0]!).executeTakeFirstOrThrow();
  const loc = await db.selectFrom('locations').select('id').where('code', '=', location).executeTakeFirstOrThrow();
  await db
    .insertInto('daily_sales')
    .values([
      { product_id: p.id, location_id: loc.id, day: '2025-06-01', quantity: '9' },
      { product_id: p.id, location_id: loc.id, day: '2025-08-30', quantity: '2' },
      { product_id: p.id, location_id: loc.id, day: '2025-08-31', quantity: '3.5' },
    ])
    .execute();
  const res = await sys.http(`/v1/sales-history?sku=${skus[0]}&days=30`, { key: viewerKey });
  t.is(res.status, 200);
  t.deepEqual(res.body.items, [
    { day: '2025-08-30', quantity: '2.000' },
    { day: '2025-08-31', quantity: '3.500' },
  ]);
  t.is((await sys.http('/v1/sales-history?sku=NOPE', { key: viewerKey })).status, 404);
  t.is((await sys.http(`/v1/sales-history?sku=${skus[0]}&days=1`, { key: viewerKey })).status, 400);
});
