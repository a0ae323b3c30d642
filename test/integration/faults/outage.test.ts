import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import test from 'ava';
import { Queue } from 'bullmq';
import { createApp } from '../../../src/api/app.js';
import { JobWaiter } from '../../../src/api/job-waiter.js';
import { createDatabase } from '../../../src/shared/db/database.js';
import { openQueueBackend } from '../../../src/shared/jobs/connection.js';
import { Producer } from '../../../src/shared/jobs/enqueue.js';
import { movementJobId, stockMovementsContract } from '../../../src/shared/jobs/stock-movements.contract.js';
import { freePort } from '../../../scripts/private-services.js';
import { eventually } from '../../helpers/wait.js';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';
import { newLocation, newProduct, receiveStock } from '../../helpers/factories.js';
import { testConfig } from '../../helpers/db.js';

let sys: TestSystem;
test.before(async () => {
  sys = await startTestSystem({ workers: false, env: { RECONCILE_GRACE_MS: '500', RECONCILE_INTERVAL_MS: '300' } });
});
test.after.always(async () => {
  await sys?.close();
});

test.serial('with PostgreSQL unreachable, /ready and every read answer 503 with Retry-After, never 500', async (t) => {
  const deadPort = await freePort(25432, 25499);
  const config = testConfig(`postgres://postgres@127.0.0.1:${deadPort}/nowhere`);
  const db = createDatabase({ url: config.DATABASE_URL, connectionTimeoutMs: 1000 });
  const backend = openQueueBackend({ kind: 'redis', redisUrl: config.REDIS_URL, databaseUrl: config.DATABASE_URL, prefix: config.QUEUE_PREFIX, poolMax: 2, name: 'test' });
  const connection = backend.redis!;
  if (connection.status !== 'ready') await new Promise((r) => connection.once('ready', r));
  const producer = new Producer(backend);
  const app = createApp({ config, db, producer, waiter: new JobWaiter(undefined, 'stock-movements') });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const ready = await fetch(`${base}/ready`);
    t.is(ready.status, 503);
    t.like(await ready.json(), { status: 'not_ready', queueBackend: 'redis', checks: { queue: 'ok' } });
    for (const [method, path] of [['GET', '/v1/stock'], ['GET', '/v1/products'], ['POST', '/v1/stock-movements']] as const) {
      const res = await fetch(`${base}${path}`, { method, headers: { authorization: 'Bearer some-key-0123456789', 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
      t.is(res.status, 503, `${method} ${path}`);
      t.is(res.headers.get('retry-after'), '5');
      t.like(await res.json(), { code: 'service_unavailable' });
    }
  } finally {
    server.close();
    await producer.close();
    await backend.close();
    await db.destroy();
  }
});

test.serial('NUL bytes, control characters and impossible dates are 400s naming the field, before any SQL', async (t) => {
  const loc = await newLocation(sys.database.db);
  const product = await newProduct(sys.database.db);
  const nul = await sys.http('/v1/stock-movements', { method: 'POST', json: { sku: product.sku, location: loc.code, type: 'receipt', quantity: '1', reference: 'ticket\u0000 1' } });
  t.is(nul.status, 400);
  t.is(nul.body.errors[0].path, 'reference');
  const inPath = await sys.http('/v1/products/abc%00def');
  t.is(inPath.status, 400);
  const inQuery = await sys.http('/v1/products?q=le%00che');
  t.is(inQuery.status, 400);
  t.is(inQuery.body.errors[0].path, 'query.q');
  const surrogate = await sys.http('/v1/products', { method: 'POST', body: '{"sku":"S1","name":"\\ud800x","category":"almacen"}', headers: { 'content-type': 'application/json' } });
  t.is(surrogate.status, 400);
  for (const body of [{ originDay: '2023-02-29' }, { originDay: '2024-13-40' }]) {
    const r = await sys.http('/v1/forecasts/runs', { method: 'POST', json: body });
    t.is(r.status, 400, JSON.stringify(body));
    t.is(r.body.errors[0].path, 'originDay');
  }
  const tooBig = await sys.http('/v1/stock-movements', { method: 'POST', json: { sku: product.sku, location: loc.code, type: 'receipt', quantity: '99999999999' } });
  t.is(tooBig.status, 400);
  t.is(tooBig.body.errors[0].path, 'quantity');
  const { count } = await sys.database.db.selectFrom('movement_requests').select((eb) => eb.fn.countAll<number>().as('count')).where('product_id', '=', product.id).executeTakeFirstOrThrow();
  t.is(Number(count), 0, 'nothing written by a 4xx');
});

test.serial('a movement backing off for minutes after an outage is run by the reconciler, and an overflowing one is rejected with a reason', async (t) => {
  const loc = await newLocation(sys.database.db);
  const product = await newProduct(sys.database.db);
  const full = await newProduct(sys.database.db);
  await receiveStock(sys.database.db, full.id, loc.id, '99999999999');
  const a = await sys.http('/v1/stock-movements', { method: 'POST', json: { sku: product.sku, location: loc.code, type: 'receipt', quantity: '2' }, headers: { 'idempotency-key': `backoff-${product.sku}` } });
  const b = await sys.http('/v1/stock-movements', { method: 'POST', json: { sku: full.sku, location: loc.code, type: 'receipt', quantity: '1000' }, headers: { 'idempotency-key': `overflow-${full.sku}` } });
  t.is(a.status, 202);
  t.is(b.status, 202);
  // The job of `a` as it looks after failing during an outage: delayed by a long backoff.
  const queue = new Queue(stockMovementsContract.queue, { connection: { url: sys.config.REDIS_URL }, prefix: sys.config.QUEUE_PREFIX });
  try {
    const jobId = movementJobId(a.body.id);
    await (await queue.getJob(jobId))?.remove();
    await queue.add('apply-movement', { movementId: a.body.id }, { jobId, delay: 10 * 60_000 });
    t.is(await (await queue.getJob(jobId))!.getState(), 'delayed');
    await sys.startWorkers();
    await eventually(async () => {
      const rows = await sys.database.db.selectFrom('movement_requests').select('status').where('id', 'in', [a.body.id, b.body.id]).execute();
      return rows.every((r) => r.status !== 'queued');
    }, 'both movements settled');
  } finally {
    await sys.stopWorkers();
    await queue.close();
  }
  const ra = await sys.http(`/v1/stock-movements/${a.body.id}`);
  t.like(ra.body, { status: 'applied' });
  const rb = await sys.http(`/v1/stock-movements/${b.body.id}`);
  t.like(rb.body, { status: 'rejected', reason: 'balance_out_of_bounds' });
  t.like((await sys.http('/v1/stock/integrity')).body, { ok: true, mismatches: [] });
});
