/**
 * Forecast benchmark on a simulated year of mini-market sales (400 products):
 * - accuracy of the trained model vs seasonal naive, SES and TSB on held-back weeks
 *   (goal: model WAPE ≥ 5 % lower than the best baseline);
 * - onnxruntime-node throughput, one batched run vs one run per row (goal ≥ 20×);
 * - training time, ONNX/TypeScript parity, and the simulator's own mean as the ceiling.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addTotals, emptyTotals, maseScale, scores, seriesTotals } from '../src/shared/domain/forecast/accuracy.js';
import { epochDay } from '../src/shared/domain/forecast/calendar.js';
import { FEATURE_COUNT, FEATURE_NAMES, MAX_HORIZON } from '../src/shared/domain/forecast/features.js';
import { buildInflationIndex } from '../src/shared/domain/forecast/inflation.js';
import {
  SERVING_METHODS,
  buildInferenceBatch,
  categoryIndexer,
  decidePlan,
  evaluateOrigin,
  newAccumulator,
  predictModel,
  rollingOriginValidation,
  trainForecastModel,
} from '../src/shared/domain/forecast/model.js';
import { exportGbtToOnnx } from '../src/shared/domain/forecast/onnx-export.js';
import { loadOnnxForecaster } from '../src/shared/domain/forecast/onnx-runner.js';
import { SIM_CATEGORIES, simulateCatalog, simulateSalesHistory } from '../src/shared/domain/forecast/simulate.js';

const PRODUCTS = 400;
const DAYS = 365;
const HELD_BACK = 56;
const SEED = 2025;

const round = (x: number, d = 4): number => Math.round(x * 10 ** d) / 10 ** d;

async function main(): Promise<void> {
  const catalog = simulateCatalog({ count: PRODUCTS, seed: SEED });
  const history = simulateSalesHistory({ products: catalog, start: '2024-11-01', days: DAYS, seed: SEED });
  const categories = [...SIM_CATEGORIES];
  const index = categoryIndexer(categories);
  const series = history.series.map((s) => ({ quantity: s.quantity, priceCentavos: s.priceCentavos, categoryIndex: index(s.product.category) }));
  const ctx = { startDay: epochDay(history.start), inflation: buildInflationIndex() };
  const lastTrainDay = DAYS - 1 - HELD_BACK;

  // Validation inside the training window decides activation, as `npm run train` does.
  const validationStart = performance.now();
  const validation = rollingOriginValidation(series, categories, ctx, { lastDay: lastTrainDay, folds: 2 });
  const validationMs = performance.now() - validationStart;

  const trainStart = performance.now();
  const model = trainForecastModel(series, categories, ctx, { lastTarget: lastTrainDay });
  const trainMs = performance.now() - trainStart;
  const onnxBytes = exportGbtToOnnx(model.gbt, { version: 'bench', featureNames: FEATURE_NAMES });
  const forecaster = await loadOnnxForecaster(onnxBytes);

  // Held-back weeks: origins every 14 days, model served through ONNX.
  const acc = newAccumulator();
  const oracle = emptyTotals();
  let parityWorst = 0;
  for (let origin = lastTrainDay; origin + MAX_HORIZON <= DAYS - 1; origin += MAX_HORIZON) {
    const x = buildInferenceBatch(series, origin, ctx);
    const onnx = Float64Array.from(await forecaster.run(x, FEATURE_COUNT));
    const ts = predictModel(model, x);
    for (let i = 0; i < ts.length; i++) parityWorst = Math.max(parityWorst, Math.abs(onnx[i]! - ts[i]!) / Math.max(ts[i]!, 1e-3));
    evaluateOrigin(series, origin, onnx, acc);
    for (const s of history.series) {
      const actual = s.quantity.subarray(origin + 1, origin + 1 + MAX_HORIZON);
      addTotals(oracle, seriesTotals(actual, s.expected.subarray(origin + 1, origin + 1 + MAX_HORIZON), maseScale(s.quantity, origin)));
    }
  }
  const heldBack = decidePlan(acc);

  // Throughput: the whole catalog's 14-day batch in one run vs the same rows one by one.
  const batch = buildInferenceBatch(series, DAYS - 1, ctx);
  const rows = batch.length / FEATURE_COUNT;
  await forecaster.run(batch, FEATURE_COUNT);
  let batchedRows = 0;
  const batchedStart = performance.now();
  while (performance.now() - batchedStart < 1500) {
    await forecaster.run(batch, FEATURE_COUNT);
    batchedRows += rows;
  }
  const batchedPerSec = batchedRows / ((performance.now() - batchedStart) / 1000);
  const singleRows = Math.min(rows, 2000);
  const singleStart = performance.now();
  for (let r = 0; r < singleRows; r++) await forecaster.run(batch.subarray(r * FEATURE_COUNT, (r + 1) * FEATURE_COUNT), FEATURE_COUNT);
  const singlePerSec = singleRows / ((performance.now() - singleStart) / 1000);
  await forecaster.release();

  const best = heldBack.bestBaseline;
  const modelWape = heldBack.overall.model.wape;
  const bestWape = heldBack.overall[best].wape;
  const wapeReduction = 1 - modelWape / bestWape;
  const oracleScores = scores(oracle);
  const speedup = batchedPerSec / singlePerSec;

  const metrics: Record<string, number | string | boolean> = {
    products: PRODUCTS,
    days: DAYS,
    held_back_days: HELD_BACK,
    best_baseline: best,
    model_wape_reduction_vs_best_baseline: round(wapeReduction),
    oracle_wape_reduction_vs_best_baseline: round(1 - oracleScores.wape / bestWape),
    oracle_wape: round(oracleScores.wape),
    batched_forecasts_per_s: Math.round(batchedPerSec),
    single_row_forecasts_per_s: Math.round(singlePerSec),
    batched_speedup: round(speedup, 1),
    training_s: round(trainMs / 1000, 2),
    training_rows: (lastTrainDay - 55) * PRODUCTS,
    trees: model.gbt.trees.length,
    validation_s: round(validationMs / 1000, 2),
    validation_activates_model: validation.activate,
    validation_plan: `${validation.plan.smooth.method}/${validation.plan.intermittent.method}`,
    onnx_bytes: onnxBytes.length,
    onnx_vs_ts_max_rel_diff: parityWorst,
  };
  for (const m of SERVING_METHODS) {
    metrics[`${m}_wape`] = round(heldBack.overall[m].wape);
    metrics[`${m}_mase`] = round(heldBack.overall[m].mase);
    metrics[`${m}_bias`] = round(heldBack.overall[m].bias);
    metrics[`${m}_wape_smooth`] = round(heldBack.byClass.smooth[m].wape);
    metrics[`${m}_wape_intermittent`] = round(heldBack.byClass.intermittent[m].wape);
  }
  const goals = {
    model_wape_reduction_vs_best_baseline: '>= 0.05',
    batched_speedup: '>= 20',
  };
  const met = wapeReduction >= 0.05 && speedup >= 20;
  const result = { bench: 'forecast', metrics, goals, met };
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'forecast.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result));
}

await main();
