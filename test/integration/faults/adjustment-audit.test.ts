import test from 'ava';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';
import { newApiKey, newLocation, newProduct, newUser, receiveStock } from '../../helpers/factories.js';
import { sessionFetch, signInHttp } from '../../helpers/sessions.js';

let sys: TestSystem;
test.before(async () => {
  sys = await startTestSystem({ env: { WORKER_QUEUES: 'stock-movements' } });
});
test.after.always(async () => {
  await sys?.close();
});

const eventsOf = async (movementId: string) => (await sys.http(`/v1/audit-events?entityType=stock_movement&entityId=${movementId}`)).body.items;

test.serial('an applied adjustment is audited with who, the balance before and after, in the apply transaction', async (t) => {
  const db = sys.database.db;
  const loc = await newLocation(db);
  const product = await newProduct(db);
  await receiveStock(db, product.id, loc.id, '10');
  const deposito = await newApiKey(db, 'deposito');
  const res = await sys.http('/v1/stock-movements', {
    method: 'POST',
    key: deposito,
    json: { type: 'adjustment', sku: product.sku, location: loc.code, quantity: '-3', reason: 'rotura' },
    headers: { prefer: 'wait=10', 'x-request-id': 'req-adj-1', 'idempotency-key': 'adj-audit-1' },
  });
  t.is(res.status, 201);
  const events = await eventsOf(res.body.id);
  t.is(events.length, 1);
  t.like(events[0], {
    action: 'stock.adjusted',
    entityType: 'stock_movement',
    actor: { kind: 'api_key', role: 'deposito', requestId: 'req-adj-1' },
    before: { sku: product.sku, location: loc.code, balance: '10', reason: 'rotura', quantity: '-3' },
    after: { outcome: 'applied', balance: '7', change: '-3' },
  });
  t.truthy(events[0].actor.address);
  // The same request again (a retry) is the same movement: still one event.
  const again = await sys.http('/v1/stock-movements', {
    method: 'POST',
    key: deposito,
    json: { type: 'adjustment', sku: product.sku, location: loc.code, quantity: '-3', reason: 'rotura' },
    headers: { prefer: 'wait=10', 'idempotency-key': 'adj-audit-1' },
  });
  t.is(again.body.id, res.body.id);
  t.is((await eventsOf(res.body.id)).length, 1);
});

test.serial('a count by a signed-in user is audited as stock.counted with the difference it made', async (t) => {
  const db = sys.database.db;
  const loc = await newLocation(db);
  const product = await newProduct(db);
  await receiveStock(db, product.id, loc.id, '5');
  const user = await newUser(db, { role: 'deposito' });
  const { session } = await signInHttp(sys.baseUrl, user.username, user.password);
  const res = await sessionFetch(sys.baseUrl, session!, '/v1/stock-movements', { method: 'POST', json: { type: 'count', sku: product.sku, location: loc.code, quantity: '8' }, headers: { prefer: 'wait=10' } });
  t.is(res.status, 201);
  const [event] = await eventsOf(res.body.id);
  t.like(event, { action: 'stock.counted', actor: { kind: 'user', role: 'deposito', name: user.username }, before: { balance: '5' }, after: { outcome: 'applied', balance: '8', change: '3' } });
});

test.serial('a rejected adjustment is audited as rejected with its reason, never as a change; sales leave no event', async (t) => {
  const db = sys.database.db;
  const loc = await newLocation(db);
  const product = await newProduct(db);
  await receiveStock(db, product.id, loc.id, '2');
  const res = await sys.http('/v1/stock-movements', { method: 'POST', json: { type: 'adjustment', sku: product.sku, location: loc.code, quantity: '-5', reason: 'robo' }, headers: { prefer: 'wait=10' } });
  t.is(res.status, 409);
  const events = await eventsOf(res.body.id);
  t.is(events.length, 1);
  t.like(events[0], { action: 'stock.adjustment_rejected', actor: { kind: 'api_key', role: 'admin' }, before: { balance: '2' }, after: { outcome: 'rejected', reason: 'insufficient_stock', balance: '2' } });
  const sale = await sys.http('/v1/stock-movements', { method: 'POST', json: { type: 'sale', sku: product.sku, location: loc.code, quantity: '1' }, headers: { prefer: 'wait=10' } });
  t.is(sale.status, 201);
  t.deepEqual(await eventsOf(sale.body.id), []);
  const row = await db.selectFrom('movement_requests').select('actor').where('id', '=', sale.body.id).executeTakeFirstOrThrow();
  t.is(row.actor, null);
});

test.serial('adjustments in an atomic batch that is refused are both audited as rejected, with their reasons', async (t) => {
  const db = sys.database.db;
  const loc = await newLocation(db);
  const product = await newProduct(db);
  await receiveStock(db, product.id, loc.id, '4');
  const batch = (movements: unknown[]) => sys.http('/v1/stock-movements/batch', { method: 'POST', json: { atomic: true, movements }, headers: { prefer: 'wait=10' } });
  const refused = await batch([
    { type: 'adjustment', sku: product.sku, location: loc.code, quantity: '1', reason: 'sobrante' },
    { type: 'adjustment', sku: product.sku, location: loc.code, quantity: '-99', reason: 'rotura' },
  ]);
  t.true([200, 201, 202, 409].includes(refused.status), String(refused.status));
  const events = await (async () => {
    for (let i = 0; i < 100; i++) {
      const items = (await sys.http('/v1/audit-events?entityType=stock_movement&limit=200')).body.items.filter((e: { before: { sku: string } }) => e.before.sku === product.sku);
      if (items.length === 2) return items;
      await new Promise((r) => setTimeout(r, 100));
    }
    return [];
  })();
  t.deepEqual(events.map((e: { action: string }) => e.action).sort(), ['stock.adjustment_rejected', 'stock.adjustment_rejected']);
  t.deepEqual(events.map((e: { after: { reason: string } }) => e.after.reason).sort(), ['batch_rejected', 'insufficient_stock']);
  const level = await db.selectFrom('stock_levels').select('quantity').where('product_id', '=', product.id).where('location_id', '=', loc.id).executeTakeFirstOrThrow();
  t.is(Number(level.quantity), 4);
});
