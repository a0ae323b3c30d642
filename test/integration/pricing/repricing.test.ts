import test from 'ava';
import { Queue } from 'bullmq';
import { sql } from 'kysely';
import pg from 'pg';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';
import { openTestQueueBackend } from '../../helpers/db.js';
import type { QueueBackend } from '../../../src/shared/jobs/connection.js';
import { Producer } from '../../../src/shared/jobs/enqueue.js';
import { withTransaction } from '../../../src/shared/db/transaction.js';
import { loadRuleSet, ruleFor, upsertRule } from '../../../src/shared/db/repositories/pricing-rules.repository.js';
import { createRun, repriceChunk, type NewRun } from '../../../src/shared/db/repositories/pricing-runs.repository.js';
import { recordReplacementCost } from '../../../src/shared/db/repositories/pricing-costs.repository.js';
import { computePrice, taxBreakdown } from '../../../src/shared/domain/pricing/price.js';
import { percentColumnBp } from '../../../src/shared/domain/pricing/rates.js';
import { chunkJobId, priceRecalculationsContract } from '../../../src/shared/jobs/price-recalculations.contract.js';
import { enqueueRepricing } from '../../../src/producers/price-recalculations.producer.js';
import { eventually, insertPricedProducts, uniq, waitForJob, waitUntilBlockedBy } from './pricing-helpers.js';

let sys: TestSystem;
let producer: Producer;
let backend: QueueBackend;
let queue: Queue;
test.before(async () => {
  sys = await startTestSystem({ env: { PRICING_CHUNK_SIZE: '250', PRICING_WORKER_CONCURRENCY: '2', PRICE_RUN_RECONCILE_EVERY_MS: '1000' } });
  backend = openTestQueueBackend(sys.config);
  producer = new Producer(backend);
  queue = producer.queue(priceRecalculationsContract);
  await queue.waitUntilReady();
});
test.after.always(async () => {
  await producer?.close();
  await backend?.close();
  await sys?.close();
});

const db = () => sys.database.db;
const historyCount = async (runId: string) => (await db().selectFrom('price_history').select(sql<number>`count(*)::int`.as('n')).where('run_id', '=', runId).executeTakeFirstOrThrow()).n;

/**
 * Plans a run these tests drive chunk by chunk, `running` in the same commit: the reconciler sends
 * only `planned` runs, so it never sees this one (even when the test is slow).
 */
const createHeldRun = (run: NewRun) =>
  withTransaction(db(), async (trx) => {
    const plan = await createRun(trx, run, 1000);
    await trx.updateTable('price_runs').set({ status: 'running' }).where('id', '=', run.id).execute();
    return plan;
  });

async function recalculate(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await sys.http('/v1/prices/recalculate', { method: 'POST', json: body, headers });
  if (res.status !== 202) throw new Error(`recalculate answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res;
}

test('a run over 3000 products sets every price to what the pure function computes, row by row, with history and a label batch', async (t) => {
  const category = uniq('bulk');
  await upsertRule(db(), category, { markupBp: 4250, minMarginBp: 2500, stepCents: 1000, endingCents: 900, maxChangeBp: 1500, priceAheadDays: null });
  const ids = await insertPricedProducts(db(), { category, count: 3000, price: (i) => (i % 3 === 0 ? 100_000 + i * 37 : null) });
  const before = new Map((await db().selectFrom('products').select(['id', 'price_cents']).where('category', '=', category).execute()).map((p) => [p.id, p.price_cents]));

  const res = await recalculate({ category, reason: 'lista nueva' });
  t.like(res.body.run, { status: 'planned', trigger: 'api', scope: { kind: 'category', category }, chunks: { total: 12, done: 0 } });
  const job = await waitForJob(sys, res.body.job.queue, res.body.job.id);
  t.like(job, { state: 'completed', progress: 100, children: { total: 12, completed: 12, pending: 0, failed: 0 } });

  const rules = await loadRuleSet(db());
  const rule = ruleFor(rules, category);
  const products = await db().selectFrom('products').select(['id', 'replacement_cost_cents', 'iva_rate_pct', 'internal_tax_pct', 'price_cents']).where('id', 'in', ids).execute();
  const history = new Map(
    (await db().selectFrom('price_history').selectAll().where('run_id', '=', res.body.run.id).execute()).map((h) => [h.product_id, h]),
  );
  let mismatches = 0;
  let changed = 0;
  let capped = 0;
  let atFloor = 0;
  for (const p of products) {
    const ivaBp = percentColumnBp(p.iva_rate_pct);
    const internalTaxBp = percentColumnBp(p.internal_tax_pct);
    const old = before.get(p.id) ?? null;
    const decision = computePrice(rule, { costCents: p.replacement_cost_cents!, ivaBp, internalTaxBp, currentPriceCents: old }, { forwardRateBp: 0, force: false });
    const want = decision.priceCents;
    if (decision.capped) capped++;
    if (decision.atFloor) atFloor++;
    if (p.price_cents !== want) mismatches++;
    const h = history.get(p.id);
    if (want !== old) {
      changed++;
      const taxes = taxBreakdown(want, ivaBp, internalTaxBp);
      if (!h || h.old_price_cents !== old || h.new_price_cents !== want || h.rule_id !== rule.id || h.reason !== 'lista nueva' || h.without_national_taxes_cents !== taxes.withoutNationalTaxesCents) mismatches++;
    } else if (h) mismatches++;
  }
  t.is(mismatches, 0);
  t.is(history.size, changed);
  t.true(changed > 2000, `only ${changed} prices changed`);
  const run = (await sys.http(`/v1/price-runs/${res.body.run.id}`)).body;
  t.like(run, { status: 'completed', progress: 100, productsExamined: 3000, productsChanged: changed, productsCapped: capped, productsAtFloor: atFloor, chunks: { total: 12, done: 12 } });
  t.true(capped > 0, 'the change limit held some prices back');
  const batch = (await sys.http(`/v1/label-batches/${run.labelBatchId}?limit=5000`)).body;
  t.is(batch.productCount, changed);
  t.is(batch.items.length, changed);
});

test('fan-out: progress only grows, reaches 100, and the parent finishes after every chunk', async (t) => {
  const category = uniq('fan');
  await insertPricedProducts(db(), { category, count: 1500 });
  const res = await recalculate({ category, reason: 'fan-out' });
  const seen: number[] = [];
  const job = await eventually(async () => {
    const r = await sys.http(res.body.job.href);
    if (r.status !== 200) return undefined;
    seen.push(r.body.progress);
    return r.body.state === 'completed' ? r.body : undefined;
  }, 'the run to complete');
  t.is(job.progress, 100);
  t.deepEqual(seen, [...seen].sort((a, b) => a - b));
  t.true(seen.slice(0, -1).every((p) => p < 100), 'a waiting parent never reports 100');
  const parent = (await queue.getJob(res.body.job.id))!;
  const children = await Promise.all(Array.from({ length: 6 }, (_, i) => queue.getJob(chunkJobId(res.body.run.id, i))));
  t.true(children.every((c) => c !== undefined && c.finishedOn !== undefined));
  t.true(children.every((c) => c!.finishedOn! <= parent.finishedOn!), 'every chunk finished before the parent');
  t.true(parent.processedOn! >= Math.max(...children.map((c) => c!.finishedOn!)), 'the parent started only after the last chunk');
});

test('the same run id twice changes nothing more, through the API and when a chunk is delivered again', async (t) => {
  const category = uniq('idem');
  await insertPricedProducts(db(), { category, count: 600 });
  const runId = uniq('run');
  const first = await recalculate({ category, reason: 'primera', runId });
  await waitForJob(sys, 'price-recalculations', first.body.job.id);
  const changed = await historyCount(runId);
  t.is(changed, 600);
  const prices = await db().selectFrom('products').select(['id', 'price_cents']).where('category', '=', category).orderBy('id').execute();

  const again = await recalculate({ category, reason: 'primera', runId });
  t.is(again.headers.get('idempotent-replayed'), 'true');
  t.is(again.body.run.id, runId);
  t.is(again.body.run.status, 'completed');

  // A redelivered chunk (same run, same chunk, another BullMQ job) reports the first result and writes nothing.
  const redelivered = await queue.add('recalculate-prices', { runId, chunk: 0, fromId: prices[0]!.id, toId: prices.at(-1)!.id }, { jobId: uniq('again') });
  const done = await waitForJob(sys, 'price-recalculations', redelivered.id!);
  t.like(done.result, { replayed: true, changed: 250 });
  t.is(await historyCount(runId), changed);
  t.deepEqual(await db().selectFrom('products').select(['id', 'price_cents']).where('category', '=', category).orderBy('id').execute(), prices);
});

test('GET /v1/jobs never shows a job as completed without its result, even when polled while it completes', async (t) => {
  const category = uniq('poll');
  const ids = await insertPricedProducts(db(), { category, count: 5 });
  const runId = uniq('poll-run');
  const first = await recalculate({ category, reason: 'sondeo', runId });
  await waitForJob(sys, 'price-recalculations', first.body.job.id);
  // Replayed chunks finish in a few milliseconds; polled without pause, the poll that first sees
  // "completed" often overlaps the completion itself.
  const views = [];
  for (let i = 0; i < 20; i++) {
    const job = await queue.add('recalculate-prices', { runId, chunk: 0, fromId: ids[0]!, toId: ids.at(-1)! }, { jobId: uniq('poll') });
    views.push(
      await eventually(async () => {
        const r = await sys.http(`/v1/jobs/price-recalculations/${job.id}`);
        return ['completed', 'failed'].includes(r.body.state) ? r.body : undefined;
      }, `job ${job.id}`, 60_000, 0),
    );
  }
  t.deepEqual(
    views.map((v) => [v.state, v.result && { examined: v.result.examined, changed: v.result.changed, replayed: v.result.replayed }]),
    views.map(() => ['completed', { examined: 5, changed: 5, replayed: true }]),
  );
});

test('an idempotency key returns the same run for a repeated request', async (t) => {
  const category = uniq('key');
  await insertPricedProducts(db(), { category, count: 10 });
  const key = uniq('k');
  const [a, b] = await Promise.all([recalculate({ category, reason: 'x' }, { 'idempotency-key': key }), recalculate({ category, reason: 'x' }, { 'idempotency-key': key })]);
  t.is(a.body.run.id, b.body.run.id);
  await waitForJob(sys, 'price-recalculations', a.body.job.id);
  t.is(await historyCount(a.body.run.id), 10);
  const other = await sys.http('/v1/prices/recalculate', { method: 'POST', json: { category, reason: 'otra cosa' }, headers: { 'idempotency-key': key } });
  t.is(other.status, 422);
  t.is(other.body.code, 'idempotency_key_reused');
});

test('the maximum change per run holds a rise back unless the run is forced', async (t) => {
  const category = uniq('cap');
  await upsertRule(db(), category, { markupBp: 5000, minMarginBp: 500, stepCents: 100, endingCents: 0, maxChangeBp: 1000, priceAheadDays: null });
  // Cost $1000, no taxes: target $1500; the shelf says $1000 today.
  const [id] = await insertPricedProducts(db(), { category, count: 1, cost: () => 100_000, iva: () => '0', internal: () => '0', price: () => 100_000 });
  const capped = await recalculate({ category, reason: 'tope' });
  await waitForJob(sys, 'price-recalculations', capped.body.job.id);
  t.is((await db().selectFrom('products').select('price_cents').where('id', '=', id!).executeTakeFirstOrThrow()).price_cents, 110_000);
  const forced = await recalculate({ category, reason: 'forzado', force: true });
  await waitForJob(sys, 'price-recalculations', forced.body.job.id);
  t.is((await db().selectFrom('products').select('price_cents').where('id', '=', id!).executeTakeFirstOrThrow()).price_cents, 150_000);
  const history = await sys.http(`/v1/prices/${(await db().selectFrom('products').select('sku').where('id', '=', id!).executeTakeFirstOrThrow()).sku}/history`);
  t.deepEqual(history.body.items.map((h: { oldPrice: string; newPrice: string; reason: string }) => [h.oldPrice, h.newPrice, h.reason]), [['1100.00', '1500.00', 'forzado'], ['1000.00', '1100.00', 'tope']]);
});

test('a chunk of a run that does not exist fails permanently, without retries', async (t) => {
  const job = await queue.add('recalculate-prices', { runId: 'no-such-run', chunk: 0, fromId: 1, toId: 2 }, { attempts: 5, backoff: { type: 'fixed', delay: 10 } });
  const done = await waitForJob(sys, 'price-recalculations', job.id!);
  t.is(done.state, 'failed');
  t.is(done.attemptsMade, 1);
  t.regex(done.failedReason, /price_run_not_found/);
});

test('invalid chunk data fails permanently before touching the database', async (t) => {
  const job = await queue.add('recalculate-prices', { runId: 'x', chunk: -1 } as never, { attempts: 5 });
  const done = await waitForJob(sys, 'price-recalculations', job.id!);
  t.like(done, { state: 'failed', attemptsMade: 1 });
  t.regex(done.failedReason, /invalid job data/);
});

test('a crash before commit leaves no prices, history or chunk marker behind', async (t) => {
  const category = uniq('crash');
  const ids = await insertPricedProducts(db(), { category, count: 20 });
  const runId = uniq('crash-run');
  const plan = await createHeldRun({ id: runId, trigger: 'api', scope: { kind: 'category', category }, reason: 'crash' });
  await t.throwsAsync(
    withTransaction(db(), async (trx) => {
      const r = await repriceChunk(trx, runId, 0, plan.chunks[0]![0], plan.chunks[0]![1]);
      t.is(r.changed, 20);
      throw new Error('worker died');
    }),
    { message: 'worker died' },
  );
  t.is(await historyCount(runId), 0);
  t.deepEqual((await db().selectFrom('products').select('price_cents').where('id', 'in', ids).execute()).map((p) => p.price_cents), ids.map(() => null));
  t.is((await db().selectFrom('processed_jobs').select('job_key').where('job_key', '=', `${runId}#0`).execute()).length, 0);
  // After the crash the chunk applies normally.
  const r = await withTransaction(db(), (trx) => repriceChunk(trx, runId, 0, plan.chunks[0]![0], plan.chunks[0]![1]));
  t.like(r, { changed: 20, replayed: false });
});

test('a cost changed by someone else while a chunk computes fails the chunk (to be retried) instead of overwriting it', async (t) => {
  const category = uniq('race');
  const [id] = await insertPricedProducts(db(), { category, count: 1, cost: () => 100_000, iva: () => '21', internal: () => '0' });
  const runId = uniq('race-run');
  const plan = await createHeldRun({ id: runId, trigger: 'api', scope: { kind: 'category', category }, reason: 'race' });
  const [from, to] = plan.chunks[0]!;
  // Another session changes the cost and holds its row lock: the chunk reads the old cost, then waits to write.
  const other = new pg.Client({ connectionString: sys.database.url });
  await other.connect();
  try {
    const otherPid: number = (await other.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    await other.query('BEGIN');
    await other.query('UPDATE products SET replacement_cost_cents = 120000 WHERE id = $1', [id]);
    const chunk = withTransaction(db(), (trx) => repriceChunk(trx, runId, 0, from, to));
    chunk.catch(() => undefined);
    await waitUntilBlockedBy(db(), otherPid, 'the chunk to wait for the row lock');
    await other.query('COMMIT');
    await t.throwsAsync(chunk, { name: 'PriceConflictError' });
  } finally {
    await other.end();
  }
  t.is(await historyCount(runId), 0);
  t.is((await db().selectFrom('products').select('price_cents').where('id', '=', id!).executeTakeFirstOrThrow()).price_cents, null);
  // The retry reads the new cost.
  await withTransaction(db(), (trx) => repriceChunk(trx, runId, 0, from, to));
  const rule = ruleFor(await loadRuleSet(db()), category);
  const want = computePrice(rule, { costCents: 120_000, ivaBp: 2100, internalTaxBp: 0, currentPriceCents: null }, { forwardRateBp: 0, force: false }).priceCents;
  t.is((await db().selectFrom('products').select('price_cents').where('id', '=', id!).executeTakeFirstOrThrow()).price_cents, want);
});

test('a chunk that meets a concurrent cost change is retried by the queue and prices from the new cost', async (t) => {
  const category = uniq('retry');
  const [id] = await insertPricedProducts(db(), { category, count: 1, cost: () => 100_000, iva: () => '21', internal: () => '0' });
  const other = new pg.Client({ connectionString: sys.database.url });
  await other.connect();
  let res;
  try {
    const otherPid: number = (await other.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    await other.query('BEGIN');
    await other.query('UPDATE products SET replacement_cost_cents = 130000 WHERE id = $1', [id]);
    res = await recalculate({ category, reason: 'reintento' });
    await waitUntilBlockedBy(db(), otherPid, 'the chunk to wait for the row lock');
    await other.query('COMMIT');
  } finally {
    await other.end();
  }
  const job = await waitForJob(sys, 'price-recalculations', res.body.job.id);
  t.is(job.state, 'completed');
  const chunk = (await queue.getJob(chunkJobId(res.body.run.id, 0)))!;
  t.true((chunk.stacktrace ?? []).length >= 1, 'the first attempt failed');
  t.regex(chunk.stacktrace?.[0] ?? '', /PriceConflictError/);
  const rule = ruleFor(await loadRuleSet(db()), category);
  const want = computePrice(rule, { costCents: 130_000, ivaBp: 2100, internalTaxBp: 0, currentPriceCents: null }, { forwardRateBp: 0, force: false }).priceCents;
  t.is((await db().selectFrom('products').select('price_cents').where('id', '=', id!).executeTakeFirstOrThrow()).price_cents, want);
  t.is(await historyCount(res.body.run.id), 1);
});

test('a run recorded while its flow never reached Redis is sent by the scheduled reconciler and completes', async (t) => {
  const category = uniq('lost');
  await insertPricedProducts(db(), { category, count: 30 });
  const runId = uniq('lost-run');
  // As if the API had recorded the run and then lost Redis before adding the flow.
  await withTransaction(db(), (trx) => createRun(trx, { id: runId, trigger: 'api', scope: { kind: 'category', category }, reason: 'perdido' }, 1000));
  const run = await eventually(async () => {
    const r = (await sys.http(`/v1/price-runs/${runId}`)).body;
    return r.status === 'completed' ? r : undefined;
  }, 'the reconciled run to complete');
  t.like(run, { productsChanged: 30, progress: 100 });
  t.is(await historyCount(runId), 30);
});

test('an invoice-style repricing records the cost, alerts on a jump, reprices the touched products once per run id', async (t) => {
  const category = uniq('inv');
  const ids = await insertPricedProducts(db(), { category, count: 3, cost: () => 100_000, iva: () => '21', internal: () => '0', price: () => 180_000 });
  const recorded = await withTransaction(db(), (trx) => Promise.all(ids.map((id, i) => recordReplacementCost(trx, id, 100_000 + (i + 1) * 6_000, 'factura A 0003-00000128'))));
  t.deepEqual(recorded.map((r) => r.change.bandPct), [5, 5, 15]);
  const runId = uniq('invoice');
  const jobId = await enqueueRepricing(producer, { productIds: ids, reason: 'factura A 0003-00000128', runId });
  const done = await waitForJob(sys, 'price-recalculations', jobId);
  t.like(done, { state: 'completed', result: { runId, trigger: 'invoice', productsExamined: 3 } });
  const changed = await historyCount(runId);
  t.true(changed > 0);
  const again = await enqueueRepricing(producer, { productIds: ids, reason: 'again', runId });
  t.is(again, jobId, 'the same run id is the same BullMQ job');
  const direct = await queue.add('reprice-products', { runId, productIds: ids, reason: 'third time' }, { jobId: uniq('j') });
  t.like(await waitForJob(sys, 'price-recalculations', direct.id!), { state: 'completed', result: { created: false } });
  t.is(await historyCount(runId), changed);
  const batch = await db().selectFrom('label_batches').select('product_count').where('run_id', '=', runId).executeTakeFirstOrThrow();
  t.is(batch.product_count, changed);
});

test('POST /v1/prices/recalculate validates its input', async (t) => {
  const none = await sys.http('/v1/prices/recalculate', { method: 'POST', json: { reason: 'x' } });
  t.is(none.status, 400);
  t.regex(none.body.detail, /exactly one of skus, category or all/);
  const unknown = await sys.http('/v1/prices/recalculate', { method: 'POST', json: { skus: ['NOPE-1'], reason: 'x' } });
  t.is(unknown.status, 422);
  t.deepEqual(unknown.body.missing, ['NOPE-1']);
  const viewerKey = await (await import('../../helpers/factories.js')).newApiKey(db(), 'viewer');
  const forbidden = await sys.http('/v1/prices/recalculate', { method: 'POST', json: { all: true, reason: 'x' }, key: viewerKey });
  t.is(forbidden.status, 403);
});
