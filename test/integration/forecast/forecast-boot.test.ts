import test from 'ava';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';
import { newLocation, newProduct } from '../../helpers/factories.js';
import { seedSimulatedSales } from '../../../src/shared/db/repositories/demo-sales.repository.js';
import { lastCompleteDay } from '../../../src/workers/processors/demand-forecasts.processor.js';

let sys: TestSystem;
test.before(async () => {
  sys = await startTestSystem({ workers: false, env: { WORKER_QUEUES: 'demand-forecasts' } });
});
test.after.always(async () => {
  await sys?.close();
});

test('a worker booting on a shop with sales but no model trains one and forecasts yesterday', async (t) => {
  const db = sys.database.db;
  const loc = await newLocation(db);
  for (let i = 0; i < 12; i++) await newProduct(db, { sku: `BOOT-${i}`, category: i % 2 ? 'bebidas' : 'almacen' });
  const yesterday = lastCompleteDay();
  await seedSimulatedSales(db, { locationId: loc.id, endDay: yesterday, days: 150, seed: 4 });
  await sys.startWorkers();

  const until = Date.now() + 90_000;
  let run;
  while (!(run = await db.selectFrom('forecast_runs').selectAll().where('origin_day', '=', yesterday).where('finished_at', 'is not', null).executeTakeFirst())) {
    if (Date.now() > until) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  t.truthy(run, 'the boot catch-up run finished');
  const versions = await db.selectFrom('model_versions').select(['version', 'active']).execute();
  t.is(versions.length, 1, 'trained before forecasting');
  t.is(run!.model_version, versions[0]!.active ? versions[0]!.version : 'baseline');
  const forecasts = await db.selectFrom('forecasts').select((eb) => eb.fn.countAll<number>().as('n')).where('origin_day', '=', yesterday).executeTakeFirstOrThrow();
  const selling = await db.selectFrom('daily_sales').select((eb) => eb.fn.count<number>('product_id').distinct().as('n')).executeTakeFirstOrThrow();
  t.true(Number(selling.n) >= 10);
  t.is(Number(forecasts.n), Number(selling.n) * 14);
});
