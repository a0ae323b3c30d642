import test from 'ava';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';
import { newLocation, newProduct } from '../../helpers/factories.js';
import { seedSimulatedSales } from '../../../src/shared/db/repositories/demo-sales.repository.js';
import { demandForecastsContract, trainJobId } from '../../../src/shared/jobs/demand-forecasts.contract.js';
import { lastCompleteDay } from '../../../src/workers/processors/demand-forecasts.processor.js';

const CATEGORIES = ['almacen', 'bebidas', 'lacteos', 'golosinas', 'limpieza', 'cigarrillos'];

let sys: TestSystem;
let redis: Redis;
let queue: Queue;
const yesterday = lastCompleteDay();

test.before(async () => {
  sys = await startTestSystem({ workers: false, env: { WORKER_QUEUES: 'demand-forecasts' } });
  redis = new Redis(sys.config.REDIS_URL, { maxRetriesPerRequest: null });
  queue = new Queue(demandForecastsContract.queue, { connection: redis, prefix: sys.config.QUEUE_PREFIX });
  const loc = await newLocation(sys.database.db);
  // Enough history that the training takes seconds, not milliseconds.
  for (let i = 0; i < 60; i++) await newProduct(sys.database.db, { sku: `TS-${i}`, category: CATEGORIES[i % CATEGORIES.length]! });
  await seedSimulatedSales(sys.database.db, { locationId: loc.id, endDay: yesterday, days: 300, seed: 11 });
});

test.after.always(async () => {
  await queue?.close();
  redis?.disconnect();
  await sys?.close();
});

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const count = async (table: 'model_versions' | 'forecasts' | 'forecast_runs' | 'reorder_suggestions') =>
  (await sys.database.db.selectFrom(table).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;

const stageOf = (job: Job | undefined) => (job?.progress as { stage?: string } | undefined)?.stage;

test.serial('while a boot training runs in its thread the API answers, and a shutdown abandons it leaving no model version and no forecasts', async (t) => {
  await sys.startWorkers();
  const training = await until('the boot training reaches its thread', async () => {
    const job = await queue.getJob(trainJobId(yesterday));
    return stageOf(job) === 'training' ? job : undefined;
  });

  // Answered while the training still runs: the job is still in its training stage afterwards and no version exists yet.
  const models = await sys.http('/v1/models');
  t.is(models.status, 200);
  t.deepEqual(models.body.items, []);
  const during = (await queue.getJob(training.id!))!;
  t.is(await during.getState(), 'active');
  t.is(stageOf(during), 'training');

  // The same close steps as a SIGTERM; they return only once the worker has no active job.
  await sys.stopWorkers();
  const after = (await queue.getJob(training.id!))!;
  t.is(await after.getState(), 'waiting', 'returned to the queue, not completed, not failed');
  t.is(after.attemptsMade, 0, 'abandoning spends no attempt');
  t.is(after.finishedOn, undefined);
  t.is(await count('model_versions'), 0);
  t.is(await count('forecast_runs'), 0);
  t.is(await count('forecasts'), 0);
  t.is(await count('reorder_suggestions'), 0);
});

test.serial('the abandoned training runs again at the next start and the catch-up forecast follows it', async (t) => {
  await sys.startWorkers();
  const run = await until('the catch-up run finishes', async () =>
    sys.database.db.selectFrom('forecast_runs').selectAll().where('origin_day', '=', yesterday).where('finished_at', 'is not', null).executeTakeFirst(),
  );
  const job = (await queue.getJob(trainJobId(yesterday)))!;
  t.is(await job.getState(), 'completed');
  t.is(job.attemptsMade, 1, 'one attempt in all: the abandoned one was not counted');
  const versions = await sys.database.db.selectFrom('model_versions').select(['version', 'active']).execute();
  t.is(versions.length, 1);
  t.is(job.returnvalue.version, versions[0]!.version);
  t.is(run.model_version, versions[0]!.active ? versions[0]!.version : 'baseline');
  const selling = await sys.database.db.selectFrom('daily_sales').select((eb) => eb.fn.count<number>('product_id').distinct().as('n')).executeTakeFirstOrThrow();
  t.is(await count('forecasts'), Number(selling.n) * 14);
});
