import test from 'ava';
import { Queue } from 'bullmq';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';
import { newApiKey, newLocation, newProduct } from '../../helpers/factories.js';
import { seedSimulatedSales } from '../../../src/shared/db/repositories/demo-sales.repository.js';
import { FORECAST_SCHEDULES } from '../../../src/shared/jobs/demand-forecasts.contract.js';

const END = '2025-08-31';
let sys: TestSystem;
let location: string;
let mlKey: string;
let viewerKey: string;

/** Polls until `check` returns a value (a deadline for waiting, not a timing assertion). */
async function eventually<T>(check: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('condition not reached before the deadline');
    await new Promise((r) => setTimeout(r, 200));
  }
}

test.before(async () => {
  sys = await startTestSystem({ env: { WORKER_QUEUES: 'demand-forecasts' } });
  const db = sys.database.db;
  const loc = await newLocation(db);
  location = loc.code;
  const categories = ['almacen', 'bebidas', 'lacteos', 'golosinas'];
  for (let i = 0; i < 24; i++) await newProduct(db, { sku: `API-FC-${i}`, category: categories[i % categories.length]! });
  await seedSimulatedSales(db, { locationId: loc.id, endDay: END, days: 180, seed: 9 });
  mlKey = await newApiKey(db, 'ml_service');
  viewerKey = await newApiKey(db, 'viewer');
});

test.after.always(async () => {
  await sys?.close();
});

test.serial('worker boot upserts the nightly forecast and weekly retrain schedulers', async (t) => {
  const queue = new Queue('demand-forecasts', { connection: { url: sys.config.REDIS_URL }, prefix: sys.config.QUEUE_PREFIX });
  try {
    const ids = (await queue.getJobSchedulers()).map((s) => s.key ?? s.id);
    t.true(ids.includes(FORECAST_SCHEDULES.nightlyForecast.id), JSON.stringify(ids));
    t.true(ids.includes(FORECAST_SCHEDULES.weeklyRetrain.id));
  } finally {
    await queue.close();
  }
});

test.serial('training through the queue stores a model version listed by GET /v1/models', async (t) => {
  const forbidden = await sys.http('/v1/models/train', { method: 'POST', json: { trainedThrough: END }, key: viewerKey });
  t.is(forbidden.status, 403);
  const res = await sys.http('/v1/models/train', { method: 'POST', json: { trainedThrough: END }, key: mlKey });
  t.is(res.status, 202);
  const models = await eventually(async () => {
    const r = await sys.http('/v1/models', { key: viewerKey });
    return r.body.items.length > 0 ? r.body.items : undefined;
  });
  t.is(models[0].trainedThrough, END);
  t.true(models[0].onnxBytes > 0);
  t.is(typeof models[0].validation.overall.model.wape, 'number');
  t.true(['beats_best_baseline', 'baseline_better'].includes(models[0].activationReason));
});

test.serial('a forecast run through the queue serves forecasts, suggestions and drafts', async (t) => {
  const res = await sys.http('/v1/forecasts/runs', { method: 'POST', json: { originDay: END }, key: mlKey });
  t.is(res.status, 202);
  const run = await eventually(async () => {
    const r = await sys.database.db.selectFrom('forecast_runs').selectAll().where('origin_day', '=', END).where('finished_at', 'is not', null).executeTakeFirst();
    return r ?? undefined;
  });
  t.is(run.chunks_done, run.chunks_total);

  const fc = await sys.http(`/v1/forecasts?sku=API-FC-1&location=${location}`, { key: viewerKey });
  t.is(fc.status, 200);
  t.is(fc.body.originDay, END);
  t.is(fc.body.items.length, 14);
  t.is(fc.body.items[0].day, '2025-09-01');
  for (const item of fc.body.items) t.true(Number(item.p50) <= Number(item.p90));
  t.is((await sys.http('/v1/forecasts?sku=NOPE', { key: viewerKey })).status, 404);
  t.is((await sys.http('/v1/forecasts', { key: viewerKey })).status, 400);

  const sugg = await sys.http(`/v1/reorder-suggestions?location=${location}&all=true`, { key: viewerKey });
  t.is(sugg.status, 200);
  t.is(sugg.body.originDay, END);
  t.true(sugg.body.items.length > 0);
  for (const s of sugg.body.items) t.is(Number(s.quantity), s.packs * Number(s.packSize));
  const toOrder = sugg.body.items.filter((s: { packs: number }) => s.packs > 0);

  t.is((await sys.http('/v1/purchase-orders/drafts', { method: 'POST', json: { location }, key: viewerKey })).status, 403);
  const drafts = await sys.http('/v1/purchase-orders/drafts', { method: 'POST', json: { location }, key: mlKey });
  t.is(drafts.status, 201);
  const lines = drafts.body.drafts.flatMap((d: { lines: unknown[] }) => d.lines);
  t.is(lines.length, toOrder.length);
  const suppliers = drafts.body.drafts.map((d: { supplier: string }) => d.supplier);
  t.deepEqual(suppliers, [...new Set(toOrder.map((s: { supplier: string }) => s.supplier))].sort());
  // The same request again returns the same drafts and adds no lines.
  const again = await sys.http('/v1/purchase-orders/drafts', { method: 'POST', json: { location }, key: mlKey });
  t.deepEqual(again.body.drafts.map((d: { id: number }) => d.id), drafts.body.drafts.map((d: { id: number }) => d.id));
  const count = await sys.database.db.selectFrom('purchase_order_draft_lines').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  t.is(Number(count.n), toOrder.length);
});
