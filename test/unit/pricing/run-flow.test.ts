import test from 'ava';
import { buildRunFlow, chunkJobId, priceRecalculationsContract, repricingJob, runJobId } from '../../../src/shared/jobs/price-recalculations.contract.js';

test('a run flow has one chunk child per id range under a finish-run parent, with ids derived from the run', (t) => {
  const flow = buildRunFlow({ id: 'r-1', chunks: [[1, 10], [11, 20], [21, 25]] });
  t.like(flow, { name: 'finish-run', queueName: 'price-recalculations', data: { runId: 'r-1' }, opts: { jobId: runJobId('r-1') } });
  t.deepEqual(flow.children!.map((c) => [c.name, c.data, c.opts!.jobId, c.opts!.failParentOnFailure]), [
    ['recalculate-prices', { runId: 'r-1', chunk: 0, fromId: 1, toId: 10 }, 'run-r-1-c0', true],
    ['recalculate-prices', { runId: 'r-1', chunk: 1, fromId: 11, toId: 20 }, 'run-r-1-c1', true],
    ['recalculate-prices', { runId: 'r-1', chunk: 2, fromId: 21, toId: 25 }, 'run-r-1-c2', true],
  ]);
  // Every child payload passes the contract's own schema (the worker re-validates it).
  t.true(flow.children!.every((c) => priceRecalculationsContract.jobs['recalculate-prices'].safeParse(c.data).success));
  t.deepEqual(buildRunFlow({ id: 'r-1', chunks: [[1, 10], [11, 20], [21, 25]] }), flow, 'the same run builds the same flow (re-adding it adds nothing new)');
});

test('job ids stay valid for BullMQ however long the run id is', (t) => {
  const long = 'x'.repeat(100);
  t.regex(runJobId(long), /^k-[0-9a-f]{40}$/);
  t.not(chunkJobId(long, 1), chunkJobId(long, 2));
  t.false(/:/.test(chunkJobId(long, 1)));
});

test('a reprice-products job carries the contract retry, backoff and retention, a job id from its run id, and a checked payload', (t) => {
  const job = repricingJob({ runId: 'invoice-0f8e', productIds: [7, 3], reason: 'supplier invoice 0f8e' });
  const { attempts, backoff, removeOnComplete, removeOnFail } = priceRecalculationsContract.defaultJobOptions;
  t.deepEqual(job, {
    name: 'reprice-products',
    data: { runId: 'invoice-0f8e', productIds: [7, 3], reason: 'supplier invoice 0f8e' },
    opts: { attempts, backoff, removeOnComplete, removeOnFail, jobId: 'reprice-invoice-0f8e' },
  });
  t.true(attempts! > 1, 'a failed repricing is retried');
  t.regex(repricingJob({ runId: 'x'.repeat(100), productIds: [1], reason: 'r' }).opts.jobId!, /^k-[0-9a-f]{40}$/, 'a long run id still makes a valid job id');
  t.throws(() => repricingJob({ runId: 'invoice-0f8e', productIds: [], reason: 'r' }), { name: 'ZodError' });
});
