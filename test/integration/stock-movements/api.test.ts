import test from 'ava';
import { Queue } from 'bullmq';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';
import { newApiKey, newLocation, newProduct, receiveStock } from '../../helpers/factories.js';

let sys: TestSystem;
test.before(async () => {
  sys = await startTestSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const post = (json: unknown, headers: Record<string, string> = {}) => sys.http('/v1/stock-movements', { method: 'POST', json, headers });
const queuedJobs = async () => {
  const queue = new Queue('stock-movements', { connection: { url: sys.config.REDIS_URL }, prefix: sys.config.QUEUE_PREFIX });
  try {
    return Object.values(await queue.getJobCounts()).reduce((a, b) => a + b, 0);
  } finally {
    await queue.close();
  }
};

async function fixture() {
  const loc = await newLocation(sys.database.db);
  const other = await newLocation(sys.database.db);
  const product = await newProduct(sys.database.db);
  return { loc, other, product };
}

test('a sale with Prefer: wait is applied and answered 201 with the balance after', async (t) => {
  const { loc, product } = await fixture();
  await receiveStock(sys.database.db, product.id, loc.id, '10');
  const res = await post({ sku: product.sku, location: loc.code, type: 'sale', quantity: 3, reference: 'ticket 1' }, { 'Prefer': 'wait=10' });
  t.is(res.status, 201);
  t.like(res.body, { status: 'applied', reason: null, quantity: '3', balanceAfter: '7', reference: 'ticket 1' });
  t.is(res.headers.get('preference-applied'), 'wait=10');
  const ledger = await sys.http(`/v1/stock-movements?sku=${product.sku}`);
  t.deepEqual(ledger.body.items.map((r: { quantity: string }) => r.quantity), ['10', '-3']);
});

test('without Prefer the API answers 202 queued and the movement is applied later', async (t) => {
  const { loc, product } = await fixture();
  await receiveStock(sys.database.db, product.id, loc.id, '2');
  const res = await post({ sku: product.sku, location: loc.code, type: 'sale', quantity: '1' });
  t.is(res.status, 202);
  t.like(res.body, { status: 'queued' });
  t.is(res.headers.get('location'), `/v1/stock-movements/${res.body.id}`);
  let view;
  for (let i = 0; i < 100; i++) {
    view = (await sys.http(`/v1/stock-movements/${res.body.id}`)).body;
    if (view.status !== 'queued') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  t.like(view, { status: 'applied', balanceAfter: '1' });
});

test('an oversell is answered 409 with reason and available quantity, and changes nothing', async (t) => {
  const { loc, product } = await fixture();
  await receiveStock(sys.database.db, product.id, loc.id, '1');
  const res = await post({ sku: product.sku, location: loc.code, type: 'sale', quantity: '2' }, { prefer: 'wait=10' });
  t.is(res.status, 409);
  t.like(res.body, { status: 'rejected', reason: 'insufficient_stock', detail: { available: '1', requested: '2' } });
  const stock = await sys.http(`/v1/stock?sku=${product.sku}&location=${loc.code}`);
  t.is(stock.body.items[0].quantity, '1');
});

test('the same Idempotency-Key twice, also concurrently, gives one movement and one ledger row', async (t) => {
  const { loc, product } = await fixture();
  const body = { sku: product.sku, location: loc.code, type: 'receipt', quantity: '5' };
  const key = `pos1-${product.sku}`;
  const [a, b] = await Promise.all([post(body, { 'idempotency-key': key, prefer: 'wait=10' }), post(body, { 'idempotency-key': key, prefer: 'wait=10' })]);
  const c = await post(body, { 'idempotency-key': key, prefer: 'wait=10' });
  t.is(a.body.id, b.body.id);
  t.is(a.body.id, c.body.id);
  t.is(c.status, 201);
  t.is(c.headers.get('idempotent-replayed'), 'true');
  t.deepEqual(c.body, (await sys.http(`/v1/stock-movements/${a.body.id}`)).body);
  const rows = await sys.database.db.selectFrom('stock_movements').select('id').where('movement_id', '=', a.body.id).execute();
  t.is(rows.length, 1);
  const stock = await sys.http(`/v1/stock?sku=${product.sku}&location=${loc.code}`);
  t.is(stock.body.items[0].quantity, '5');
});

test('an Idempotency-Key reused for a different movement is a 422', async (t) => {
  const { loc, product } = await fixture();
  await post({ sku: product.sku, location: loc.code, type: 'receipt', quantity: '5' }, { 'idempotency-key': `k-${product.sku}` });
  const res = await post({ sku: product.sku, location: loc.code, type: 'receipt', quantity: '6' }, { 'idempotency-key': `k-${product.sku}` });
  t.is(res.status, 422);
  t.is(res.body.code, 'idempotency_key_reused');
});

test.serial('bad payloads are a 400 with field errors, and nothing is recorded or enqueued', async (t) => {
  const before = await sys.database.db.selectFrom('movement_requests').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const jobsBefore = await queuedJobs();
  const cases: [unknown, string][] = [
    [{ sku: 'X', location: 'SALON', type: 'sale', quantity: '-1' }, 'quantity'],
    [{ sku: 'X', location: 'SALON', type: 'sale', quantity: '1.2345' }, 'quantity'],
    [{ sku: 'X', location: 'SALON', type: 'teleport', quantity: '1' }, 'type'],
    [{ sku: 'X', location: 'SALON', type: 'transfer', quantity: '1' }, 'toLocation'],
    [{ sku: 'X', location: 'SALON', type: 'adjustment', quantity: '-1' }, 'reason'],
    [{ location: 'SALON', type: 'sale', quantity: '1' }, 'sku'],
    [{ sku: 'X', location: 'SALON', type: 'sale', quantity: '1', extra: true }, '(root)'],
  ];
  for (const [body, field] of cases) {
    const res = await post(body);
    t.is(res.status, 400, JSON.stringify(body));
    t.is(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    t.is(res.body.code, 'validation_failed');
    t.true(res.body.errors.some((e: { path: string }) => e.path === field), `${JSON.stringify(res.body.errors)} names ${field}`);
  }
  const malformed = await sys.http('/v1/stock-movements', { method: 'POST', body: '{"sku":', headers: { 'content-type': 'application/json' } });
  t.is(malformed.status, 400);
  const after = await sys.database.db.selectFrom('movement_requests').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  t.is(Number(after.n), Number(before.n));
  t.is(await queuedJobs(), jobsBefore);
});

test('unknown sku or location is a 422 naming each; a fraction of a unit product is a 400 invalid_quantity naming the field, and nothing is recorded', async (t) => {
  const { loc, product } = await fixture();
  const res = await post({ sku: 'NOPE', location: 'NOWHERE', type: 'sale', quantity: '1' });
  t.is(res.status, 422);
  t.is(res.body.code, 'unknown_reference');
  t.deepEqual(res.body.errors.map((e: { path: string }) => e.path).sort(), ['location', 'sku']);
  const requests = () => sys.database.db.selectFrom('movement_requests').select(sys.database.db.fn.countAll<number>().as('n')).where('product_id', '=', product.id).executeTakeFirstOrThrow();
  const before = Number((await requests()).n);
  const frac = await post({ sku: product.sku, location: loc.code, type: 'receipt', quantity: '0.5' });
  t.is(frac.status, 400);
  t.is(frac.body.code, 'invalid_quantity');
  t.deepEqual(frac.body.errors.map((e: { path: string }) => e.path), ['quantity']);
  const batch = await sys.http('/v1/stock-movements/batch', {
    method: 'POST',
    json: { movements: [{ sku: product.sku, location: loc.code, type: 'receipt', quantity: '2' }, { sku: product.sku, location: loc.code, type: 'receipt', quantity: '1.5' }] },
  });
  t.is(batch.status, 400);
  t.is(batch.body.code, 'invalid_quantity');
  t.deepEqual(batch.body.errors.map((e: { path: string }) => e.path), ['movements.1.quantity']);
  t.is(Number((await requests()).n), before);
  t.is(before, 0);
});

test('401 without a key, 403 with a role that may not write stock', async (t) => {
  const { loc, product } = await fixture();
  const body = { sku: product.sku, location: loc.code, type: 'receipt', quantity: '1' };
  t.is((await sys.http('/v1/stock-movements', { method: 'POST', json: body, key: '' })).status, 401);
  t.is((await sys.http('/v1/stock', { key: 'gnd_not-a-key' })).status, 401);
  const viewer = await newApiKey(sys.database.db, 'viewer');
  const res = await sys.http('/v1/stock-movements', { method: 'POST', json: body, key: viewer });
  t.is(res.status, 403);
  t.is(res.body.code, 'forbidden');
  t.is((await sys.http('/v1/stock', { key: viewer })).status, 200);
  const deposito = await newApiKey(sys.database.db, 'deposito');
  t.is((await sys.http('/v1/stock-movements', { method: 'POST', json: body, key: deposito, headers: { prefer: 'wait=10' } })).status, 201);
  t.is((await sys.http('/v1/products', { method: 'POST', json: { sku: 'NEW1', name: 'x', category: 'almacen' }, key: deposito })).status, 403);
});

test('count sets the balance to what was counted; transfer moves stock between locations', async (t) => {
  const { loc, other, product } = await fixture();
  await receiveStock(sys.database.db, product.id, loc.id, '10');
  const count = await post({ sku: product.sku, location: loc.code, type: 'count', quantity: '7' }, { prefer: 'wait=10' });
  t.like(count.body, { status: 'applied', balanceAfter: '7' });
  const transfer = await post({ sku: product.sku, location: loc.code, toLocation: other.code, type: 'transfer', quantity: '4' }, { prefer: 'wait=10' });
  t.like(transfer.body, { status: 'applied', balanceAfter: '3', toBalanceAfter: '4', toLocation: other.code });
  const ledger = await sys.http(`/v1/stock-movements?sku=${product.sku}`);
  t.deepEqual(ledger.body.items.map((r: { type: string; location: string; quantity: string }) => `${r.type} ${r.location} ${r.quantity}`), [
    `receipt ${loc.code} 10`,
    `count ${loc.code} -3`,
    `transfer ${loc.code} -4`,
    `transfer ${other.code} 4`,
  ]);
  const tooMuch = await post({ sku: product.sku, location: loc.code, toLocation: other.code, type: 'transfer', quantity: '4' }, { prefer: 'wait=10' });
  t.is(tooMuch.status, 409);
});

test('weighed goods keep exact quantities (0.125 kg steps)', async (t) => {
  const { loc } = await fixture();
  const ham = await newProduct(sys.database.db, { unit: 'kg' });
  await post({ sku: ham.sku, location: loc.code, type: 'receipt', quantity: '1.000' }, { prefer: 'wait=10' });
  for (let i = 0; i < 3; i++) await post({ sku: ham.sku, location: loc.code, type: 'sale', quantity: 0.125 }, { prefer: 'wait=10' });
  const stock = await sys.http(`/v1/stock?sku=${ham.sku}&location=${loc.code}`);
  t.is(stock.body.items[0].quantity, '0.625');
});

test('a batch applies each movement on its own; an atomic batch is all-or-nothing', async (t) => {
  const { loc, product } = await fixture();
  await receiveStock(sys.database.db, product.id, loc.id, '3');
  const movements = [
    { sku: product.sku, location: loc.code, type: 'sale', quantity: '2' },
    { sku: product.sku, location: loc.code, type: 'sale', quantity: '2' },
    { sku: product.sku, location: loc.code, type: 'sale', quantity: '1' },
  ];
  const loose = await sys.http('/v1/stock-movements/batch', { method: 'POST', json: { movements }, headers: { prefer: 'wait=10', 'idempotency-key': `day-close-${product.sku}` } });
  t.is(loose.status, 200);
  t.like(loose.body, { status: 'completed', count: 3, applied: 2, rejected: 1 });
  t.deepEqual(loose.body.movements.map((m: { status: string }) => m.status), ['applied', 'rejected', 'applied']);

  await receiveStock(sys.database.db, product.id, loc.id, '3');
  const atomic = await sys.http('/v1/stock-movements/batch', { method: 'POST', json: { atomic: true, movements }, headers: { prefer: 'wait=10' } });
  t.like(atomic.body, { status: 'completed', applied: 0, rejected: 3 });
  t.deepEqual(atomic.body.movements.map((m: { reason: string }) => m.reason), ['batch_rejected', 'insufficient_stock', 'batch_rejected']);
  const stock = await sys.http(`/v1/stock?sku=${product.sku}&location=${loc.code}`);
  t.is(stock.body.items[0].quantity, '3');

  const replay = await sys.http('/v1/stock-movements/batch', { method: 'POST', json: { movements }, headers: { 'idempotency-key': `day-close-${product.sku}` } });
  t.is(replay.body.id, loose.body.id);
  t.is((await sys.http(`/v1/stock-movements/batches/${loose.body.id}`)).body.applied, 2);

  const bad = await sys.http('/v1/stock-movements/batch', { method: 'POST', json: { movements: [movements[0], { ...movements[0], quantity: 'x' }] } });
  t.is(bad.status, 400);
  t.is(bad.body.errors[0].path, 'movements.1.quantity');
});

test('products: create, search, filter below reorder point, patch, paginate', async (t) => {
  const loc = await newLocation(sys.database.db);
  const created = await sys.http('/v1/products', { method: 'POST', json: { sku: 'YERBA-1', name: 'Yerba mate 1 kg', category: 'Almacen', unit: 'unit', barcode: '7790070410115', reorderPoint: 6 } });
  t.is(created.status, 201);
  t.like(created.body, { sku: 'YERBA-1', category: 'almacen', reorderPoint: '6', onHand: '0' });
  t.is((await sys.http('/v1/products', { method: 'POST', json: { sku: 'YERBA-1', name: 'x', category: 'almacen' } })).status, 409);
  t.is((await sys.http('/v1/products?q=yerba')).body.items[0].sku, 'YERBA-1');
  t.is((await sys.http('/v1/products?barcode=7790070410115')).body.items[0].sku, 'YERBA-1');
  const yerba = await sys.database.db.selectFrom('products').select('id').where('sku', '=', 'YERBA-1').executeTakeFirstOrThrow();
  await receiveStock(sys.database.db, yerba.id, loc.id, '5');
  t.true((await sys.http('/v1/products?belowReorderPoint=true')).body.items.some((p: { sku: string }) => p.sku === 'YERBA-1'));
  const patched = await sys.http('/v1/products/YERBA-1', { method: 'PATCH', json: { reorderPoint: '2' } });
  t.like(patched.body, { reorderPoint: '2', onHand: '5' });
  t.false((await sys.http('/v1/products?belowReorderPoint=true')).body.items.some((p: { sku: string }) => p.sku === 'YERBA-1'));
  t.is((await sys.http('/v1/products/NOPE')).status, 404);

  const seen = new Set<string>();
  let cursor: string | null = null;
  do {
    const page: { body: { items: { sku: string }[]; nextCursor: string | null } } = await sys.http(`/v1/products?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    for (const p of page.body.items) seen.add(p.sku);
    cursor = page.body.nextCursor;
  } while (cursor);
  const total = await sys.database.db.selectFrom('products').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  t.is(seen.size, Number(total.n));
});

test('HTTP metrics label each request by its route template (parameters not expanded), and requests matching no route as unmatched', async (t) => {
  const product = await newProduct(sys.database.db);
  t.is((await sys.http(`/v1/products/${product.sku}`)).status, 200);
  t.is((await sys.http('/v1/products/NO-SUCH-SKU-XYZ')).status, 404);
  t.is((await sys.http('/v1/no-such-thing')).status, 404);
  t.is((await sys.http('/docs/openapi.json', { key: '' })).status, 200);
  const metrics = (await sys.http('/metrics', { key: '' })).body as string;
  t.regex(metrics, /gondola_http_requests_total\{method="GET",route="\/v1\/products\/:sku",status="200"\}/);
  t.regex(metrics, /gondola_http_requests_total\{method="GET",route="\/v1\/products\/:sku",status="404"\}/);
  t.regex(metrics, /gondola_http_requests_total\{method="GET",route="unmatched",status="404"\}/);
  t.regex(metrics, /gondola_http_requests_total\{method="GET",route="\/docs\/openapi.json",status="200"\}/);
  t.notRegex(metrics, new RegExp(`route="[^"]*${product.sku}`), 'no raw path in a label');
});

test('health, readiness, metrics, docs and the integrity check answer', async (t) => {
  t.is((await sys.http('/health', { key: '' })).status, 200);
  t.like((await sys.http('/ready', { key: '' })).body, { status: 'ready' });
  const metrics = await sys.http('/metrics', { key: '' });
  t.regex(metrics.body, /gondola_queue_jobs\{queue="stock-movements",state="waiting"\}/);
  t.regex(metrics.body, /gondola_http_requests_total\{method="POST",route="\/v1\/stock-movements",status="(201|400)"\}/);
  t.is((await sys.http('/docs/openapi.json', { key: '' })).body.openapi, '3.1.0');
  t.like((await sys.http('/v1/stock/integrity')).body, { ok: true, mismatches: [] });
  t.is((await sys.http('/admin/queues', { key: '' })).status, 401);
  t.is((await sys.http('/admin/queues')).status, 200);
});
