import test from 'ava';
import { flowJobOf, optionsOf, withRetentionFor } from '../../../src/shared/jobs/enqueue.js';
import { chunkJobId, priceRecalculationsContract, repricingJobId, runFlow, runJobId } from '../../../src/shared/jobs/price-recalculations.contract.js';

test('a run flow has one chunk child per id range under a finish-run parent, with ids derived from the run', (t) => {
  const flow = flowJobOf(priceRecalculationsContract, runFlow({ id: 'r-1', chunks: [[1, 10], [11, 20], [21, 25]] }), 'redis');
  t.like(flow, { name: 'finish-run', queueName: 'price-recalculations', data: { runId: 'r-1' }, opts: { jobId: runJobId('r-1') } });
  t.deepEqual(flow.children!.map((c) => [c.name, c.data, c.opts!.jobId, c.opts!.failParentOnFailure]), [
    ['recalculate-prices', { runId: 'r-1', chunk: 0, fromId: 1, toId: 10 }, 'run-r-1-c0', true],
    ['recalculate-prices', { runId: 'r-1', chunk: 1, fromId: 11, toId: 20 }, 'run-r-1-c1', true],
    ['recalculate-prices', { runId: 'r-1', chunk: 2, fromId: 21, toId: 25 }, 'run-r-1-c2', true],
  ]);
  // Every node carries the contract's retry, backoff and retention.
  t.like(flow.opts, priceRecalculationsContract.defaultJobOptions);
  t.true(flow.children!.every((c) => c.opts!.attempts === priceRecalculationsContract.defaultJobOptions.attempts));
  t.deepEqual(flowJobOf(priceRecalculationsContract, runFlow({ id: 'r-1', chunks: [[1, 10], [11, 20], [21, 25]] }), 'redis'), flow, 'the same run builds the same flow (re-adding it adds nothing new)');
});

test('a flow node with a payload its job does not accept is refused before it reaches the queue', (t) => {
  const bad = runFlow({ id: 'r-1', chunks: [[1, 10]] });
  bad.children![0]!.payload = { runId: 'r-1', chunk: -1, fromId: 1, toId: 10 };
  t.throws(() => flowJobOf(priceRecalculationsContract, bad, 'redis'), { name: 'ZodError' });
});

test('job ids stay valid for BullMQ however long the run id is', (t) => {
  const long = 'x'.repeat(100);
  t.regex(runJobId(long), /^k-[0-9a-f]{40}$/);
  t.not(chunkJobId(long, 1), chunkJobId(long, 2));
  t.false(/:/.test(chunkJobId(long, 1)));
  t.regex(repricingJobId(long), /^k-[0-9a-f]{40}$/, 'a long run id still makes a valid job id');
  t.is(repricingJobId('invoice-0f8e'), 'reprice-invoice-0f8e');
});

test('job options come from the contract: defaults with the job name overrides', (t) => {
  const { attempts, backoff, removeOnComplete, removeOnFail } = priceRecalculationsContract.defaultJobOptions;
  t.deepEqual(optionsOf(priceRecalculationsContract, 'reprice-products', 'redis'), { attempts, backoff, removeOnComplete, removeOnFail });
  t.true(attempts! > 1, 'a failed repricing is retried');
  t.like(optionsOf(priceRecalculationsContract, 'reconcile-runs', 'redis'), { attempts: 1, removeOnComplete: true });
});

test('on the PostgreSQL backend a retention with both an age and a count keeps the age bound only; Redis keeps both', (t) => {
  const both = { age: 3600, count: 10_000 };
  const opts = { attempts: 3, removeOnComplete: both, removeOnFail: { age: 60 } };
  t.deepEqual(withRetentionFor('postgres', opts), { attempts: 3, removeOnComplete: { age: 3600 }, removeOnFail: { age: 60 } });
  t.deepEqual(withRetentionFor('redis', opts), opts);
  t.deepEqual(withRetentionFor('postgres', { removeOnComplete: { count: 100 } }), { removeOnComplete: { count: 100 }, removeOnFail: undefined }, 'a count alone stays: nothing else would bound it');
  const flow = flowJobOf(priceRecalculationsContract, runFlow({ id: 'r-2', chunks: [[1, 10]] }), 'postgres');
  t.false(JSON.stringify(flow).includes('"count"'), 'flows built for PostgreSQL carry no count bound');
});
