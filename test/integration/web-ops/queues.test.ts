import test from 'ava';
import type { Queue } from 'bullmq';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';
import { openTestQueueBackend } from '../../helpers/db.js';
import { newApiKey } from '../../helpers/factories.js';
import type { QueueBackend } from '../../../src/shared/jobs/connection.js';
import { Producer } from '../../../src/shared/jobs/enqueue.js';
import { priceRecalculationsContract } from '../../../src/shared/jobs/price-recalculations.contract.js';
import { createRun } from '../../../src/shared/db/repositories/pricing-runs.repository.js';
import { withTransaction } from '../../../src/shared/db/transaction.js';
import { ALL_QUEUES } from '../../../src/shared/config.js';
import { eventually, insertPricedProducts, waitForJob } from '../pricing/pricing-helpers.js';

let sys: TestSystem;
let producer: Producer;
let backend: QueueBackend;
let queue: Queue;
let viewerKey: string;

test.before(async () => {
  sys = await startTestSystem({ env: { WORKER_QUEUES: 'price-recalculations' } });
  backend = openTestQueueBackend(sys.config);
  producer = new Producer(backend);
  queue = producer.queue(priceRecalculationsContract);
  await queue.waitUntilReady();
  viewerKey = await newApiKey(sys.database.db, 'viewer');
});

test.after.always(async () => {
  await producer?.close();
  await backend?.close();
  await sys?.close();
});

test.serial('a failed job is listed with its reason and, once its cause is fixed, a retry completes it', async (t) => {
  const ids = await insertPricedProducts(sys.database.db, { category: 'colas', count: 3 });
  const runId = 'queue-page-run';
  // A chunk of a run nobody recorded yet fails for good (price_run_not_found).
  const job = await queue.add('recalculate-prices', { runId, chunk: 0, fromId: ids[0]!, toId: ids.at(-1)! }, { jobId: 'queue-page-chunk' });
  const failed = await waitForJob(sys, 'price-recalculations', job.id!);
  t.is(failed.state, 'failed');

  const overview = await sys.http('/v1/queues', { key: viewerKey });
  t.is(overview.status, 200);
  t.deepEqual(overview.body.items.map((i: { queue: string }) => i.queue), [...ALL_QUEUES]);
  const price = overview.body.items.find((i: { queue: string }) => i.queue === 'price-recalculations');
  t.is(price.counts.failed, 1);
  t.is(typeof price.counts.waiting, 'number');
  t.is(overview.body.dashboard, '/admin/queues');

  t.is((await sys.http('/v1/queues/price-recalculations/failed', { key: viewerKey })).status, 403);
  const list = await sys.http('/v1/queues/price-recalculations/failed?limit=5');
  t.is(list.status, 200);
  t.is(list.body.total, 1);
  t.like(list.body.items[0], { id: 'queue-page-chunk', name: 'recalculate-prices', attemptsMade: 1 });
  t.regex(list.body.items[0].failedReason, /price_run_not_found/);
  t.false('data' in list.body.items[0]);
  t.is((await sys.http('/v1/queues/nope/failed')).status, 400);

  t.is((await sys.http('/v1/queues/price-recalculations/jobs/queue-page-chunk/retry', { method: 'POST', key: viewerKey })).status, 403);
  t.is((await sys.http('/v1/queues/price-recalculations/jobs/no-such-job/retry', { method: 'POST' })).status, 404);

  // Record the run (held as running so nothing else sends it), then retry the chunk.
  await withTransaction(sys.database.db, async (trx) => {
    await createRun(trx, { id: runId, trigger: 'api', scope: { kind: 'products', productIds: ids }, reason: 'colas' }, 1000);
    await trx.updateTable('price_runs').set({ status: 'running' }).where('id', '=', runId).execute();
  });
  const retry = await sys.http('/v1/queues/price-recalculations/jobs/queue-page-chunk/retry', { method: 'POST' });
  t.is(retry.status, 202, JSON.stringify(retry.body));
  t.is(retry.body.job, '/v1/jobs/price-recalculations/queue-page-chunk');
  const done = await waitForJob(sys, 'price-recalculations', 'queue-page-chunk');
  t.is(done.state, 'completed');
  t.like(done.result, { examined: 3, changed: 3 });
  const run = await eventually(async () => {
    const r = await sys.database.db.selectFrom('price_runs').select(['chunks_done', 'products_changed']).where('id', '=', runId).executeTakeFirstOrThrow();
    return r.chunks_done === 1 ? r : undefined;
  }, 'chunk counted');
  t.is(run.products_changed, 3);

  // A completed job is not retried again.
  const again = await sys.http('/v1/queues/price-recalculations/jobs/queue-page-chunk/retry', { method: 'POST' });
  t.is(again.status, 409);
  t.is(again.body.code, 'job_not_failed');
  t.is((await sys.http('/v1/queues/price-recalculations/failed')).body.total, 0);
});
