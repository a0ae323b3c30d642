import test from 'ava';
import { FlowProducer, type FlowJob, type Queue } from 'bullmq';
import { sql } from 'kysely';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';
import { openTestQueueBackend } from '../../helpers/db.js';
import type { QueueBackend } from '../../../src/shared/jobs/connection.js';
import { flowJobOf, Producer } from '../../../src/shared/jobs/enqueue.js';
import { withTransaction } from '../../../src/shared/db/transaction.js';
import { createRun, repriceChunk, type NewRun } from '../../../src/shared/db/repositories/pricing-runs.repository.js';
import { chunkJobId, priceRecalculationsContract, runFlow } from '../../../src/shared/jobs/price-recalculations.contract.js';
import { eventually, insertPricedProducts, uniq, waitForJob } from './pricing-helpers.js';

let sys: TestSystem;
let producer: Producer;
let backend: QueueBackend;
let queue: Queue;
let flows: FlowProducer;
test.before(async () => {
  sys = await startTestSystem({ env: { PRICING_CHUNK_SIZE: '2', PRICE_RUN_RECONCILE_EVERY_MS: '1000' } });
  backend = openTestQueueBackend(sys.config);
  producer = new Producer(backend);
  queue = producer.queue(priceRecalculationsContract);
  flows = new FlowProducer(backend.producer(), backend.producer().factory);
  await queue.waitUntilReady();
});
test.after.always(async () => {
  await flows?.close();
  await producer?.close();
  await backend?.close();
  await sys?.close();
});

const db = () => sys.database.db;
const historyCount = async (runId: string) => (await db().selectFrom('price_history').select(sql<number>`count(*)::int`.as('n')).where('run_id', '=', runId).executeTakeFirstOrThrow()).n;
const pricesOf = async (ids: number[]) => (await db().selectFrom('products').select('price_cents').where('id', 'in', ids).orderBy('id').execute()).map((p) => p.price_cents);
const runView = async (runId: string) => (await sys.http(`/v1/price-runs/${runId}`)).body;
const newRun = (runId: string, category: string): NewRun => ({ id: runId, trigger: 'api', scope: { kind: 'category', category }, reason: 'falla' });

/** The run's flow with only the chunk numbers given, each changed by `edit`. */
function flowOf(plan: { id: string; chunks: [number, number][] }, chunks: Record<number, (child: FlowJob) => FlowJob>): FlowJob {
  const flow = flowJobOf(priceRecalculationsContract, runFlow(plan), backend.kind);
  return { ...flow, children: flow.children!.filter((_, i) => i in chunks).map((child) => chunks[child.data.chunk]!(child)) };
}

test('a chunk that fails on its last attempt fails the run: status and reason in the run view, labels for what did change, later chunks write nothing', async (t) => {
  const category = uniq('fail');
  const ids = await insertPricedProducts(db(), { category, count: 6 });
  const runId = uniq('fail-run');
  // Planned and its first chunk applied in one commit, so the reconciler never sends this run's whole flow.
  const plan = await withTransaction(db(), async (trx) => {
    const planned = await createRun(trx, newRun(runId, category), sys.config.PRICING_CHUNK_SIZE);
    await repriceChunk(trx, runId, 0, ...planned.chunks[0]!);
    return planned;
  });
  t.deepEqual(plan.chunks, [[ids[0], ids[1]], [ids[2], ids[3]], [ids[4], ids[5]]]);

  // Every history write for the third product fails: an error that is retried, and persists.
  const tag = uniq('refuse').replace('-', '_');
  await sql.raw(`CREATE FUNCTION ${tag}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'history write refused for product %', NEW.product_id; END $$`).execute(db());
  await sql.raw(`CREATE TRIGGER ${tag} BEFORE INSERT ON price_history FOR EACH ROW WHEN (NEW.product_id = ${Number(ids[2])}) EXECUTE FUNCTION ${tag}()`).execute(db());

  const node = await flows.add(flowOf(plan, { 1: (c) => ({ ...c, opts: { ...c.opts, attempts: 2, backoff: { type: 'fixed', delay: 50 } } }) }));
  const parent = await waitForJob(sys, 'price-recalculations', node.job.id!);
  t.is(parent.state, 'failed');
  const chunk = await waitForJob(sys, 'price-recalculations', chunkJobId(runId, 1));
  t.like(chunk, { state: 'failed', attemptsMade: 2 });

  const run = await runView(runId);
  t.like(run, { status: 'failed', chunks: { total: 3, done: 1 }, productsChanged: 2, job: { state: 'failed' } });
  t.regex(run.failure.reason, new RegExp(`^chunk 1 \\(product ids ${ids[2]}–${ids[3]}\\) failed on attempt 2: .*history write refused for product ${ids[2]}`));
  t.false(Number.isNaN(Date.parse(run.failure.at)));
  t.is((await sys.http(`/v1/price-runs?status=failed`)).body.items.filter((r: { id: string }) => r.id === runId).length, 1);

  // The prices chunk 0 changed are on the shelf: the failed run still lists them for labels.
  t.is(await historyCount(runId), 2);
  const batch = (await sys.http(`/v1/label-batches/${run.labelBatchId}`)).body;
  const skus = (await db().selectFrom('products').select('sku').where('id', 'in', [ids[0]!, ids[1]!]).orderBy('id').execute()).map((p) => p.sku);
  t.deepEqual(batch.items.map((i: { sku: string }) => i.sku), skus);
  t.deepEqual(await pricesOf([ids[2]!, ids[3]!]), [null, null]);

  // A chunk delivered after the failure fails permanently and writes nothing.
  const late = await queue.add('recalculate-prices', { runId, chunk: 2, fromId: ids[4]!, toId: ids[5]! }, { jobId: uniq('late') });
  const lateDone = await waitForJob(sys, 'price-recalculations', late.id!);
  t.like(lateDone, { state: 'failed', attemptsMade: 1 });
  t.regex(lateDone.failedReason, /price_run_failed/);
  t.deepEqual(await pricesOf([ids[4]!, ids[5]!]), [null, null]);
  t.is(await historyCount(runId), 2);
  t.like(await runView(runId), { status: 'failed', chunks: { done: 1 }, productsChanged: 2, failure: { reason: run.failure.reason } });
});

test('a run whose parent job failed where no chunk handler could record it is failed by the scheduled reconciler', async (t) => {
  const category = uniq('stall');
  const ids = await insertPricedProducts(db(), { category, count: 2 });
  const runId = uniq('stall-run');
  // Sent and started, as the API and a first chunk would leave it (the reconciler does not send it again).
  const plan = await withTransaction(db(), async (trx) => {
    const planned = await createRun(trx, newRun(runId, category), sys.config.PRICING_CHUNK_SIZE);
    await trx.updateTable('price_runs').set({ status: 'running', enqueued_at: new Date() }).where('id', '=', runId).execute();
    return planned;
  });
  // Invalid chunk data fails in the worker shell before any handler runs, as a chunk that stalled
  // too often does: only the failed parent job tells.
  await flows.add(flowOf(plan, { 0: (c) => ({ ...c, data: { ...c.data, chunk: -1 } }) }));
  const run = await eventually(async () => {
    const r = await runView(runId);
    return r.status === 'failed' ? r : undefined;
  }, 'the reconciler to fail the run');
  t.regex(run.failure.reason, new RegExp(`^job ${chunkJobId(runId, 0)} failed: invalid job data: chunk`));
  t.like(run, { chunks: { total: 1, done: 0 }, productsChanged: 0, job: { state: 'failed' } });
  t.deepEqual(await pricesOf(ids), [null, null]);
  t.is((await sys.http(`/v1/label-batches/${run.labelBatchId}`)).body.productCount, 0);
});
