import test from 'ava';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';
import { newLocation, newProduct, receiveStock } from '../../helpers/factories.js';

let sys: TestSystem;
test.before(async () => {
  sys = await startTestSystem();
});
test.after.always(async () => {
  await sys?.close();
});

async function settle(ids: string[]) {
  const { db } = sys.database;
  for (let i = 0; i < 600; i++) {
    const row = await db.selectFrom('movement_requests').select((eb) => eb.fn.countAll<number>().as('n')).where('id', 'in', ids).where('status', '=', 'queued').executeTakeFirstOrThrow();
    if (Number(row.n) === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('movements still queued after 60 s');
}

test('1000 concurrent sales of one product with 100 in stock: exactly 100 applied, 900 rejected, balance 0', async (t) => {
  const loc = await newLocation(sys.database.db);
  const product = await newProduct(sys.database.db);
  await receiveStock(sys.database.db, product.id, loc.id, '100');

  const responses = await Promise.all(
    Array.from({ length: 1000 }, (_, i) =>
      sys.http('/v1/stock-movements', { method: 'POST', json: { sku: product.sku, location: loc.code, type: 'sale', quantity: '1' }, headers: { 'idempotency-key': `pos-${product.sku}-${i}` } }),
    ),
  );
  t.true(responses.every((r) => r.status === 202 || r.status === 201 || r.status === 409), `statuses: ${[...new Set(responses.map((r) => r.status))]}`);
  const ids = responses.map((r) => r.body.id as string);
  t.is(new Set(ids).size, 1000);
  await settle(ids);

  const rows = await sys.database.db.selectFrom('movement_requests').select(['status', 'rejection_reason', 'rejection_detail']).where('id', 'in', ids).execute();
  const applied = rows.filter((r) => r.status === 'applied');
  const rejected = rows.filter((r) => r.status === 'rejected');
  t.is(applied.length, 100);
  t.is(rejected.length, 900);
  t.true(rejected.every((r) => r.rejection_reason === 'insufficient_stock' && (r.rejection_detail as { available: string }).available === '0'));

  const stock = await sys.http(`/v1/stock?sku=${product.sku}&location=${loc.code}`);
  t.is(stock.body.items[0].quantity, '0');
  const ledger = await sys.database.db.selectFrom('stock_movements').select('id').where('product_id', '=', product.id).execute();
  t.is(ledger.length, 101);
  t.like((await sys.http('/v1/stock/integrity')).body, { ok: true, mismatches: [] });

  // The group commit really grouped: far fewer transactions than jobs.
  const metrics = (await sys.http('/metrics', { key: '' })).body as string;
  const groups = Number(/gondola_movement_group_commit_jobs_count (\d+)/.exec(metrics)?.[1]);
  t.true(groups > 0 && groups < 1000, `group commits: ${groups}`);
});

test('60 concurrent sales with Prefer: wait share jobs (one per intake group), and each is answered with its own outcome', async (t) => {
  const loc = await newLocation(sys.database.db);
  const product = await newProduct(sys.database.db);
  await receiveStock(sys.database.db, product.id, loc.id, '30');

  const responses = await Promise.all(
    Array.from({ length: 60 }, (_, i) =>
      sys.http('/v1/stock-movements', { method: 'POST', json: { sku: product.sku, location: loc.code, type: 'sale', quantity: '1' }, headers: { 'idempotency-key': `wait-${product.sku}-${i}`, prefer: 'wait=30' } }),
    ),
  );
  const applied = responses.filter((r) => r.status === 201);
  const rejected = responses.filter((r) => r.status === 409);
  t.is(applied.length, 30, `statuses: ${responses.map((r) => r.status).join(',')}`);
  t.is(rejected.length, 30);
  t.true(applied.every((r) => r.body.status === 'applied'));
  // Each answer is its own movement's: thirty different balances after, 29 down to 0.
  t.deepEqual(applied.map((r) => Number(r.body.balanceAfter)).sort((a, b) => a - b), Array.from({ length: 30 }, (_, i) => i));
  t.true(rejected.every((r) => r.body.status === 'rejected' && r.body.reason === 'insufficient_stock'));

  const metrics = (await sys.http('/metrics', { key: '' })).body as string;
  const groupJobs = Number(/gondola_jobs_processed_total\{queue="stock-movements",job_name="apply-movements",outcome="completed"\} (\d+)/.exec(metrics)?.[1] ?? 0);
  t.true(groupJobs > 0, 'concurrent submissions were queued as apply-movements jobs');
  t.like((await sys.http('/v1/stock/integrity')).body, { ok: true, mismatches: [] });
});
