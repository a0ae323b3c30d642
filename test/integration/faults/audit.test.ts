import test from 'ava';
import { sql } from 'kysely';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';
import { newApiKey } from '../../helpers/factories.js';

let sys: TestSystem;
test.before(async () => {
  sys = await startTestSystem({ workers: false });
});
test.after.always(async () => {
  await sys?.close();
});

test.serial('changes to products, prices, rules and keys are audited with who, before and after; only admins read the trail', async (t) => {
  const negocio = await newApiKey(sys.database.db, 'negocio');
  t.is((await sys.http('/v1/products', { method: 'POST', key: negocio, json: { sku: 'AUD-1', name: 'Yerba', category: 'almacen' } })).status, 201);
  t.is((await sys.http('/v1/products/AUD-1', { method: 'PATCH', key: negocio, json: { name: 'Yerba 1 kg' }, headers: { 'x-request-id': 'req-audit-1' } })).status, 200);
  t.is((await sys.http('/v1/prices/AUD-1', { method: 'PATCH', key: negocio, json: { replacementCost: '1500.00' } })).status, 200);
  const rule = { markupPct: 30, minMarginPct: 10, roundingStep: 10, ending: 9, maxChangePct: 20 };
  t.is((await sys.http('/v1/pricing-rules/almacen', { method: 'PUT', key: negocio, json: rule })).status, 200);
  t.is((await sys.http('/v1/pricing-rules/almacen', { method: 'DELETE', key: negocio })).status, 204);
  const key = await sys.http('/v1/api-keys', { method: 'POST', json: { name: 'pos 2', role: 'deposito' } });
  t.is(key.status, 201);
  t.is((await sys.http(`/v1/api-keys/${key.body.id}`, { method: 'DELETE' })).status, 204);
  // A refused change leaves no event.
  t.is((await sys.http('/v1/products/AUD-1', { method: 'PATCH', key: negocio, json: { category: '../x' } })).status, 400);

  t.is((await sys.http('/v1/audit-events', { key: negocio })).status, 403);
  const all = await sys.http('/v1/audit-events?limit=50');
  t.is(all.status, 200);
  const actions = all.body.items.map((e: { action: string }) => e.action);
  t.deepEqual(actions, ['api_key.revoked', 'api_key.created', 'pricing_rule.deleted', 'pricing_rule.created', 'product_pricing.changed', 'product.changed', 'product.created']);
  const changed = all.body.items.find((e: { action: string }) => e.action === 'product.changed');
  t.like(changed, { entityType: 'product', entityId: 'AUD-1', actor: { kind: 'api_key', role: 'negocio', requestId: 'req-audit-1' }, before: { name: 'Yerba' }, after: { name: 'Yerba 1 kg' } });
  t.truthy(changed.actor.address);
  const pricing = all.body.items.find((e: { action: string }) => e.action === 'product_pricing.changed');
  t.is(pricing.before.replacement_cost_cents, null);
  t.is(Number(pricing.after.replacement_cost_cents), 150000);

  const filtered = await sys.http('/v1/audit-events?entityType=pricing_rule');
  t.deepEqual(filtered.body.items.map((e: { action: string }) => e.action), ['pricing_rule.deleted', 'pricing_rule.created']);
  const page = await sys.http('/v1/audit-events?limit=3');
  t.is(page.body.items.length, 3);
  const next = await sys.http(`/v1/audit-events?limit=3&cursor=${page.body.nextCursor}`);
  t.is(next.body.items[0].id, page.body.items[2].id - 1);
  const csv = await sys.http('/v1/audit-events?format=csv&entityType=product');
  t.regex(csv.headers.get('content-type') ?? '', /text\/csv/);
  const lines = (csv.body as string).trim().split('\r\n');
  t.is(lines.length, 4);
  t.regex(lines[0]!, /^id,occurredAt,actorKind/);
});

test.serial('the audit trail is append-only: UPDATE, DELETE and TRUNCATE are refused', async (t) => {
  const db = sys.database.db;
  await t.throwsAsync(sql`UPDATE audit_events SET action = 'x'`.execute(db), { message: /append-only/ });
  await t.throwsAsync(sql`DELETE FROM audit_events`.execute(db), { message: /append-only/ });
  await t.throwsAsync(sql`TRUNCATE audit_events`.execute(db), { message: /append-only/ });
});
