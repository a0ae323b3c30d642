import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { Queue } from 'bullmq';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';
import { IMPORT_SCHEDULER_ID } from '../../../src/shared/jobs/inflation-updates.contract.js';
import { eventually, waitForJob } from './pricing-helpers.js';

const indec = readFileSync(new URL('../../../src/shared/demo/data/indec-ipc-monthly.csv', import.meta.url), 'utf8');
const dir = mkdtempSync(path.join(tmpdir(), 'gondola-index-'));
const file = path.join(dir, 'ipc.csv');

let sys: TestSystem;
test.before(async () => {
  writeFileSync(file, indec);
  sys = await startTestSystem({ env: { INFLATION_INDEX_SOURCE: file, INFLATION_INDEX_SOURCE_SERIES: 'official', INFLATION_IMPORT_EVERY_MS: '1000' } });
});
test.after.always(async () => {
  await sys?.close();
  rmSync(dir, { recursive: true, force: true });
});

const rowOf = (period: string) => sys.database.db.selectFrom('inflation_index').select(['rate_pct', 'revision']).where('series', '=', 'official').where('period', '=', period).executeTakeFirst();

test.serial('the job scheduler imports the configured file, and a revised figure in it becomes a revision', async (t) => {
  const queue = new Queue('inflation-updates', { connection: { url: sys.config.REDIS_URL }, prefix: sys.config.QUEUE_PREFIX });
  try {
    const schedulers = await queue.getJobSchedulers();
    t.deepEqual(schedulers.map((s) => [s.key, s.every]), [[IMPORT_SCHEDULER_ID, 1000]]);
  } finally {
    await queue.close();
  }
  await eventually(async () => (await rowOf('2026-01'))?.rate_pct === '2.90', 'the scheduled import');
  const count = await sys.database.db.selectFrom('inflation_index').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  t.is(Number(count.n), 37);

  writeFileSync(file, indec.replace('2025-12,2.8,', '2025-12,2.7,'));
  const revised = await eventually(async () => {
    const r = await rowOf('2025-12');
    return r?.revision === 2 ? r : undefined;
  }, 'the revision to be imported');
  t.is(revised.rate_pct, '2.70');
  const revisions = (await sys.http('/v1/inflation-index/official/2025-12/revisions')).body.revisions;
  t.deepEqual(revisions.map((r: { previousRate: string; rate: string }) => [r.previousRate, r.rate]), [['2.8', '2.7']]);
});

test.serial('import-now queues an import of the configured source; a broken file fails that job for good and imports nothing', async (t) => {
  writeFileSync(file, 'period,rate_pct\n2027-01,2.0\n2027-02,x\n');
  const res = await sys.http('/v1/inflation-index/import-now', { method: 'POST' });
  t.is(res.status, 202);
  const job = await waitForJob(sys, 'inflation-updates', res.body.job.id);
  t.like(job, { state: 'failed', attemptsMade: 1 });
  t.regex(job.failedReason, /index_file_invalid: .*line 3/);
  t.is(await rowOf('2027-01'), undefined);
});
