import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import test from 'ava';
import { sql } from 'kysely';
import { eventually } from '../../helpers/wait.js';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';
import { newLocation, newProduct, receiveStock } from '../../helpers/factories.js';
import { openTestQueueBackend } from '../../helpers/db.js';
import { Producer } from '../../../src/shared/jobs/enqueue.js';
import { movementGroupJobId, movementJobId, stockMovementsContract } from '../../../src/shared/jobs/stock-movements.contract.js';
import { reconcileOnce } from '../../../src/workers/reconciler.js';

let sys: TestSystem;
test.before(async () => {
  sys = await startTestSystem({ workers: false, env: { WORKER_LOCK_DURATION_MS: '2000', RECONCILE_GRACE_MS: '1000', RECONCILE_INTERVAL_MS: '500' } });
});
test.after.always(async () => {
  await sys?.close();
});

const countWhere = async (ids: string[], status: 'queued' | 'applied' | 'rejected') =>
  Number((await sys.database.db.selectFrom('movement_requests').select((eb) => eb.fn.countAll<number>().as('n')).where('id', 'in', ids).where('status', '=', status).executeTakeFirstOrThrow()).n);

async function postReceipts(sku: string, location: string, n: number, tag: string) {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, n - i) }, (_, j) =>
        sys.http('/v1/stock-movements', { method: 'POST', json: { sku, location, type: 'receipt', quantity: '1' }, headers: { 'idempotency-key': `${tag}-${i + j}` } }),
      ),
    );
    for (const r of batch) ids.push(r.body.id);
  }
  return ids;
}

/** A producer on this test system's queue backend, closed after `fn`. */
async function withProducer<T>(fn: (producer: Producer) => Promise<T>): Promise<T> {
  const backend = openTestQueueBackend(sys.config);
  const producer = new Producer(backend);
  try {
    return await fn(producer);
  } finally {
    await producer.close();
    await backend.close();
  }
}

async function assertExactlyOnce(t: import('ava').ExecutionContext, productId: number, ids: string[], expected: string, sku: string) {
  const ledger = await sys.database.db.selectFrom('stock_movements').select('movement_id').where('movement_id', 'in', ids).execute();
  t.is(ledger.length, ids.length, 'one ledger row per accepted movement');
  t.is(new Set(ledger.map((r) => r.movement_id)).size, ids.length);
  const level = await sys.database.db.selectFrom('stock_levels').select('quantity').where('product_id', '=', productId).executeTakeFirstOrThrow();
  t.is(Number(level.quantity), Number(expected), `balance of ${sku}`);
  t.like((await sys.http('/v1/stock/integrity')).body, { ok: true, mismatches: [] });
}

test.serial('the queue store losing every queued job (Redis restarted without persistence, or BullMQ tables emptied): the reconciler re-enqueues from PostgreSQL and each movement applies once', async (t) => {
  const loc = await newLocation(sys.database.db);
  const product = await newProduct(sys.database.db);
  const ids = await postReceipts(product.sku, loc.code, 200, `flush-${product.sku}`);
  t.is(await countWhere(ids, 'queued'), 200);
  const deleted = await sys.flushQueues();
  t.true(deleted > 0, 'the queue had keys to lose');

  await sys.startWorkers();
  await eventually(async () => (await countWhere(ids, 'applied')) === 200, 'every movement applied');
  await sys.stopWorkers();
  await assertExactlyOnce(t, product.id, ids, '200', product.sku);
});

test.serial('an apply-movements job delivered twice applies each of its requests once; one naming an unknown request fails for good, its other request still applied', async (t) => {
  const loc = await newLocation(sys.database.db);
  const product = await newProduct(sys.database.db);
  const ids = await postReceipts(product.sku, loc.code, 3, `group-${product.sku}`);
  await sys.flushQueues();
  await withProducer(async (producer) => {
    const enqueue = (movementIds: string[], key: string) => producer.enqueue(stockMovementsContract, 'apply-movements', { movementIds }, { idempotencyKey: `${key}-${product.sku}` });
    const first = await enqueue(ids, 'mg-first');
    const again = await enqueue([...ids].reverse(), 'mg-again');
    const unknown = await enqueue([ids[0]!, randomUUID()], 'mg-unknown');
    await sys.startWorkers();
    const queue = producer.queue(stockMovementsContract);
    await eventually(async () => (await Promise.all([first, again, unknown].map(async (id) => (await queue.getJob(id))?.finishedOn))).every(Boolean), 'the three jobs finished');
    await sys.stopWorkers();
    for (const id of [first, again]) t.like((await queue.getJob(id))!.returnvalue, { movements: 3, applied: 3, rejected: 0 });
    const failed = (await queue.getJob(unknown))!;
    t.is(await failed.getState(), 'failed');
    t.is(failed.attemptsMade, 1, 'not retried: retrying cannot make the request exist');
    t.regex(failed.failedReason, /movement_not_found/);
  });
  await assertExactlyOnce(t, product.id, ids, '3', product.sku);
});

test.serial('the reconciler leaves requests to their intake group\'s job while it waits, and sends each on its own once that job is lost', async (t) => {
  const loc = await newLocation(sys.database.db);
  const product = await newProduct(sys.database.db);
  const ids = await postReceipts(product.sku, loc.code, 40, `regroup-${product.sku}`);
  const rows = await sys.database.db.selectFrom('movement_requests').select(['id', 'intake_group']).where('id', 'in', ids).execute();
  const grouped = rows.filter((r) => r.intake_group !== null);
  t.true(grouped.length > 1, 'concurrent submissions were recorded in intake groups');
  // The backlog in movements, whatever the number of jobs carrying them (earlier tests left none queued).
  const backlog = async () => Number(/^gondola_movements_queued (\d+)$/m.exec((await sys.http('/metrics', { key: '' })).body as string)?.[1]);
  t.is(await backlog(), 40);
  await withProducer(async (producer) => {
    const queue = producer.queue(stockMovementsContract);
    for (const group of new Set(grouped.map((r) => r.intake_group!))) t.truthy(await queue.getJob(movementGroupJobId(group)), `the job of group ${group}`);
    await new Promise((r) => setTimeout(r, 1100));
    t.is(await reconcileOnce(sys.database.db, producer, 1000), 40, 'all 40 are overdue');
    const ownJobs = async () => (await Promise.all(grouped.map(async (r) => Boolean(await queue.getJob(movementJobId(r.id)))))).filter(Boolean).length;
    t.is(await ownJobs(), 0, 'no request of a waiting group job was sent again on its own');

    await sys.flushQueues();
    t.is(await reconcileOnce(sys.database.db, producer, 1000), 40);
    t.is(await ownJobs(), grouped.length, 'each request of a lost group job was sent on its own');
  });
  await sys.startWorkers();
  await eventually(async () => (await countWhere(ids, 'applied')) === 40, 'every movement applied');
  await sys.stopWorkers();
  await assertExactlyOnce(t, product.id, ids, '40', product.sku);
  t.is(await backlog(), 0);
});

test.serial('a worker killed with SIGKILL inside a group commit: after restart every movement applies exactly once', async (t) => {
  const loc = await newLocation(sys.database.db);
  const product = await newProduct(sys.database.db);
  await receiveStock(sys.database.db, product.id, loc.id, '1');
  const ids = await postReceipts(product.sku, loc.code, 300, `kill-${product.sku}`);

  // Hold the balance row so the worker's group transaction blocks midway (requests locked,
  // balance not yet), then kill the worker while it waits.
  const blocker = new Client({ connectionString: sys.config.DATABASE_URL });
  blocker.on('error', (err) => console.warn('blocker connection error (expected once its backend is gone):', err.message));
  await blocker.connect();
  await blocker.query('BEGIN');
  await blocker.query('SELECT * FROM stock_levels WHERE product_id = $1 FOR UPDATE', [product.id]);

  const env = { ...process.env, DATABASE_URL: sys.config.DATABASE_URL, REDIS_URL: sys.config.REDIS_URL, QUEUE_BACKEND: sys.config.QUEUE_BACKEND!, QUEUE_PREFIX: sys.config.QUEUE_PREFIX, WORKER_QUEUES: 'stock-movements', WORKER_METRICS_PORT: '0', WORKER_LOCK_DURATION_MS: '2000', RECONCILE_GRACE_MS: '1000', RECONCILE_INTERVAL_MS: '500', LOG_LEVEL: 'warn' };
  const entry = path.resolve('src/workers/main.ts');
  let output = '';
  const spawnWorker = (): ChildProcess => {
    const child = fork(entry, [], { env, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    return child;
  };
  const first = spawnWorker();
  try {
    await eventually(async () => {
      if (first.exitCode !== null) throw new Error(`worker exited with ${first.exitCode}: ${output}`);
      // Read from outside the blocker's transaction: inside one, pg_stat_activity is a frozen snapshot.
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'gondola-worker' AND wait_event_type = 'Lock'`.execute(sys.database.db);
      return rows[0]!.n > 0;
    }, 'the worker to block inside its transaction', 180_000);
  } catch (err) {
    first.kill('SIGKILL');
    await blocker.end().catch(() => undefined);
    throw new Error(`${(err as Error).message}\nworker output:\n${output.slice(-4000)}`);
  }
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));
  await blocker.query('ROLLBACK');
  await blocker.end();
  t.is(await countWhere(ids, 'applied'), 0, 'the killed transaction committed nothing');

  const second = spawnWorker();
  try {
    await eventually(async () => (await countWhere(ids, 'applied')) === 300, 'every movement applied after restart', 90_000);
  } finally {
    second.kill('SIGTERM');
    await new Promise((r) => second.once('exit', r));
  }
  await assertExactlyOnce(t, product.id, ids, '301', product.sku);
});

test.serial('a request whose intake transaction commits long after it began, its job lost: the reconciler still finds it (its watermark never passes a running transaction)', async (t) => {
  const loc = await newLocation(sys.database.db);
  const product = await newProduct(sys.database.db);
  await sys.startWorkers();
  // A slow intake: the row is written (created_at = its transaction's start) but committed only
  // after several reconcile passes, each past the grace, and no job is ever enqueued for it.
  const slow = new Client({ connectionString: sys.config.DATABASE_URL, application_name: 'gondola-api' });
  await slow.connect();
  await slow.query('BEGIN');
  const { rows } = await slow.query<{ id: string; created_at: Date }>(
    `INSERT INTO movement_requests (id, idempotency_key, type, product_id, location_id, quantity, occurred_at)
     VALUES (gen_random_uuid(), $1, 'receipt', $2, $3, 2, now()) RETURNING id, created_at`,
    [`slow-${product.sku}`, product.id, loc.id],
  );
  const id = rows[0]!.id;
  // Meanwhile other movements come and go: passes that find nothing queued move the watermark.
  const others = await postReceipts(product.sku, loc.code, 5, `others-${product.sku}`);
  await eventually(async () => (await countWhere(others, 'applied')) === 5, 'the other movements applied');
  await new Promise((r) => setTimeout(r, 3000));
  const { rows: during } = await sql<{ checked_until: Date }>`SELECT checked_until FROM movement_reconcile_state`.execute(sys.database.db);
  t.true(during[0]!.checked_until <= rows[0]!.created_at, 'the watermark waited for the open transaction');
  await slow.query('COMMIT');
  await slow.end();
  await eventually(async () => (await countWhere([id], 'applied')) === 1, 'the late request applied by the reconciler', 60_000);
  await eventually(async () => {
    const { rows: after } = await sql<{ checked_until: Date }>`SELECT checked_until FROM movement_reconcile_state`.execute(sys.database.db);
    return after[0]!.checked_until > rows[0]!.created_at;
  }, 'the watermark moved on once the request was decided');
  await sys.stopWorkers();
  await assertExactlyOnce(t, product.id, [...others, id], '7', product.sku);
});
