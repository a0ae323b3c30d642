import test from 'ava';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { newLocation, newProduct } from '../../helpers/factories.js';
import { applyMovementGroup } from '../../../src/shared/db/repositories/movements.repository.js';
import { seedSimulatedSales } from '../../../src/shared/db/repositories/demo-sales.repository.js';
import { refreshDailySales } from '../../../src/shared/db/repositories/forecasts.repository.js';
import type { ServingPlan } from '../../../src/shared/domain/forecast/model.js';
import { demandQuantile } from '../../../src/shared/domain/forecast/quantiles.js';
import {
  BASELINE_VERSION,
  forecastChunk,
  planForecastRun,
  ServingSessions,
  trainModel,
} from '../../../src/workers/processors/demand-forecasts.processor.js';

const END = '2025-09-30';
const CATEGORIES = ['almacen', 'bebidas', 'lacteos', 'golosinas', 'limpieza', 'cigarrillos'];
const SMALL_MODEL = { rounds: 30, learningRate: 0.15 };

let tdb: TestDatabase;
let locationId: number;
const sessions = new ServingSessions();

test.before(async () => {
  tdb = await createTestDatabase();
  const loc = await newLocation(tdb.db);
  locationId = loc.id;
  for (let i = 0; i < 36; i++) await newProduct(tdb.db, { sku: `FC-${i}`, category: CATEGORIES[i % CATEGORIES.length]! });
  await seedSimulatedSales(tdb.db, { locationId, endDay: END, days: 200, seed: 3 });
});

test.after.always(async () => {
  await sessions.release();
  await tdb?.drop();
});

test.serial('the demo seed keeps the ledger and balances consistent and never negative', async (t) => {
  const { rows } = await sql<{ bad: number; negative: number }>`
    SELECT count(*) FILTER (WHERE s.quantity <> coalesce(m.total, 0))::int AS bad,
           count(*) FILTER (WHERE s.quantity < 0)::int AS negative
    FROM stock_levels s
    LEFT JOIN (SELECT product_id, location_id, sum(quantity) AS total FROM stock_movements GROUP BY 1, 2) m
      USING (product_id, location_id)`.execute(tdb.db);
  t.deepEqual(rows[0], { bad: 0, negative: 0 });
  const again = await seedSimulatedSales(tdb.db, { locationId, endDay: END, days: 200, seed: 3 });
  t.true(again.skipped);
});

test.serial('the daily sales aggregate follows the ledger incrementally', async (t) => {
  const first = await refreshDailySales(tdb.db);
  t.true(first.keys > 0);
  const totals = async () => {
    const agg = await tdb.db.selectFrom('daily_sales').select(sql<string>`sum(quantity)`.as('q')).executeTakeFirstOrThrow();
    const ledger = await tdb.db.selectFrom('stock_movements').select(sql<string>`-sum(quantity)`.as('q')).where('type', '=', 'sale').executeTakeFirstOrThrow();
    return [Number(agg.q), Number(ledger.q)];
  };
  const [agg, ledger] = await totals();
  t.is(agg, ledger);

  // One more sale on the last day (13:00 local = 16:00 UTC) through the real movement path.
  const product = await tdb.db.selectFrom('products').select('id').where('sku', '=', 'FC-1').executeTakeFirstOrThrow();
  const before = await tdb.db.selectFrom('daily_sales').select('quantity').where('product_id', '=', product.id).where('day', '=', END).executeTakeFirst();
  const id = randomUUID();
  await tdb.db.transaction().execute(async (trx) => {
    await trx.insertInto('movement_requests').values({ id, idempotency_key: `t-${id}`, type: 'sale', product_id: product.id, location_id: locationId, quantity: '1', occurred_at: `${END}T16:00:00Z` }).execute();
    await applyMovementGroup(trx, [{ movementId: id }]);
  });
  const second = await refreshDailySales(tdb.db);
  t.true(second.lastMovementId > first.lastMovementId);
  const after = await tdb.db.selectFrom('daily_sales').select('quantity').where('product_id', '=', product.id).where('day', '=', END).executeTakeFirstOrThrow();
  t.is(Number(after.quantity), Number(before?.quantity ?? 0) + 1);
  const [agg2, ledger2] = await totals();
  t.is(agg2, ledger2);
  // Nothing new: the refresh rebuilds the overlap only and changes nothing.
  await refreshDailySales(tdb.db);
  t.deepEqual(await totals(), [agg2, ledger2]);
});

test.serial('a model that loses on validation is stored but not activated, and baselines serve', async (t) => {
  // A negative learning rate moves every tree away from the data: worse than any baseline.
  const outcome = await trainModel(tdb.db, { trainedThrough: END, params: { ...SMALL_MODEL, learningRate: -0.5 } });
  t.false(outcome.activated);
  t.is(outcome.reason, 'baseline_better');
  const row = await tdb.db.selectFrom('model_versions').select(['active', 'activation_reason']).where('version', '=', outcome.version).executeTakeFirstOrThrow();
  t.deepEqual(row, { active: false, activation_reason: 'baseline_better' });

  const run = await planForecastRun(tdb.db, { originDay: END, chunkSize: 10 });
  t.is(run.modelVersion, BASELINE_VERSION);
  for (const c of run.chunks) await forecastChunk(tdb.db, { runKey: run.runKey, originDay: run.originDay, modelVersion: run.modelVersion, ...c }, sessions);
  const methods = await tdb.db.selectFrom('forecasts').select('method').distinct().where('model_version', '=', BASELINE_VERSION).execute();
  t.true(methods.length > 0);
  t.true(methods.every((m) => m.method !== 'model'), JSON.stringify(methods));
});

test.serial('a trained model is exported, checked against ONNX, stored and activated when it wins', async (t) => {
  const outcome = await trainModel(tdb.db, { trainedThrough: END, params: SMALL_MODEL });
  t.true(outcome.parityMaxRelDiff < 1e-4);
  const row = await tdb.db.selectFrom('model_versions').selectAll().where('version', '=', outcome.version).executeTakeFirstOrThrow();
  t.true(row.onnx.length > 1000);
  t.is(row.trained_through, END);
  t.is(row.active, outcome.activated);
  t.is(outcome.activated, outcome.validation.activate);
  // Retrying the same training stores nothing twice.
  const again = await trainModel(tdb.db, { trainedThrough: END, params: SMALL_MODEL });
  t.is(again.version, outcome.version);
  t.false(again.created);
  const n = await tdb.db.selectFrom('model_versions').select(sql<number>`count(*)::int`.as('n')).where('version', '=', outcome.version).executeTakeFirstOrThrow();
  t.is(n.n, 1);
});

test.serial('a forecast run is idempotent per (model version, day)', async (t) => {
  await tdb.db.updateTable('model_versions').set({ active: false }).execute();
  const outcome = await trainModel(tdb.db, { trainedThrough: '2025-09-29', params: SMALL_MODEL });
  await tdb.db.transaction().execute(async (trx) => {
    await trx.updateTable('model_versions').set({ active: true }).where('version', '=', outcome.version).execute();
  });
  const run = await planForecastRun(tdb.db, { originDay: END, chunkSize: 10 });
  t.is(run.modelVersion, outcome.version);
  t.true(run.chunks.length >= 3);
  const runChunks = async () => {
    for (const c of run.chunks) await forecastChunk(tdb.db, { runKey: run.runKey, originDay: run.originDay, modelVersion: run.modelVersion, ...c }, sessions);
  };
  await runChunks();
  const snapshot = async () =>
    tdb.db
      .selectFrom('forecasts')
      .select(['product_id', 'day', 'mean', 'p50', 'p90', 'method', 'product_class'])
      .where('model_version', '=', outcome.version)
      .orderBy('product_id')
      .orderBy('day')
      .execute();
  const first = await snapshot();
  const products = new Set(run.chunks.flatMap((c) => c.productIds));
  t.is(first.length, products.size * 14);
  t.true(first.some((r) => r.method === 'model') || !outcome.validation.activate);
  for (const r of first) t.true(Number(r.p50) <= Number(r.p90));
  // The workers serve the p90 level the training calibrated and stored in the serving plan.
  const stored = await tdb.db.selectFrom('model_versions').select('serving_plan').where('version', '=', outcome.version).executeTakeFirstOrThrow();
  const plan = stored.serving_plan as ServingPlan;
  for (const cls of ['smooth', 'intermittent'] as const) t.true(plan[cls].p90Level! >= 0.5 && plan[cls].p90Level! < 1, JSON.stringify(plan));
  for (const r of first) {
    const { dispersion, p90Level } = plan[r.product_class as 'smooth' | 'intermittent'];
    // The stored mean is rounded: the p90 lies between the quantiles of the means it may have come from.
    const lo = demandQuantile(Number(r.mean) * 0.999 - 1e-3, dispersion, p90Level!);
    const hi = demandQuantile(Number(r.mean) * 1.001 + 1e-3, dispersion, p90Level!);
    t.true(Number(r.p90) >= Math.min(lo, Number(r.p50)) && Number(r.p90) <= Math.max(hi, Number(r.p50)), JSON.stringify({ r, lo, hi }));
  }

  // The same run again (a redelivered plan and chunks) changes nothing and counts progress once.
  const replay = await planForecastRun(tdb.db, { originDay: END, chunkSize: 10 });
  t.is(replay.runKey, run.runKey);
  await runChunks();
  t.deepEqual(await snapshot(), first);
  const progress = await tdb.db.selectFrom('forecast_runs').select(['chunks_total', 'chunks_done', 'finished_at']).where('run_key', '=', run.runKey).executeTakeFirstOrThrow();
  t.is(progress.chunks_done, progress.chunks_total);
  t.truthy(progress.finished_at);

  const suggestions = await tdb.db.selectFrom('reorder_suggestions').selectAll().where('origin_day', '=', END).execute();
  t.is(suggestions.length, products.size);
  for (const s of suggestions) {
    t.is(Number(s.quantity), s.packs * Number(s.pack_size));
    if (s.packs > 0) t.true(Number(s.quantity) >= Number(s.demand) + Number(s.safety_stock) - Number(s.on_hand) - Number(s.on_order) - 1e-9);
  }
});

test.serial('drift compares the serving version recent WAPE with its validation WAPE', async (t) => {
  const active = await tdb.db.selectFrom('model_versions').select(['version', 'validation']).where('active', '=', true).executeTakeFirstOrThrow();
  // Forecasts made 14 days earlier now have actuals to compare with.
  const earlier = await planForecastRun(tdb.db, { originDay: '2025-09-16', chunkSize: 50 });
  for (const c of earlier.chunks) await forecastChunk(tdb.db, { runKey: earlier.runKey, originDay: earlier.originDay, modelVersion: earlier.modelVersion, ...c }, sessions);
  const run = await planForecastRun(tdb.db, { originDay: END, chunkSize: 50 });
  const validationWape = (active.validation as { overall: { model: { wape: number } } }).overall.model.wape;
  const stored = await tdb.db.selectFrom('forecast_runs').select('recent_wape').where('run_key', '=', run.runKey).executeTakeFirstOrThrow();
  t.truthy(run.driftRatio);
  t.true(Math.abs(run.driftRatio! - Number(stored.recent_wape) / validationWape) < 1e-3);
  const metrics = await (await import('../../../src/shared/metrics.js')).registry.getSingleMetricAsString('gondola_forecast_drift_ratio');
  t.regex(metrics, /gondola_forecast_drift_ratio \d/);
});
