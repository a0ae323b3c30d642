/**
 * Forecast benchmark: the backtest (`npm run backtest`) on a simulated year of mini-market sales
 * (400 products) and on any sales CSVs given with `--csv FILE` (real histories are read from a
 * local path, never committed; `bench/convert-sales.ts` turns common public layouts into the
 * backtest's CSV). For each data set: the served plan vs the best baseline on held-back weeks,
 * p90 coverage (the p90 level is conformally calibrated per product class on validation days, as
 * production serves it), the reorder replay. Then onnxruntime-node throughput, one batched run vs one run
 * per row. Goals:
 * - served WAPE ≤ best baseline's on every data set, and ≥ 5 % lower on average;
 * - p90 covers 85–95 % of held-back days on every data set;
 * - batched inference ≥ 20× per-row.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { addTotals, emptyTotals, maseScale, scores, seriesTotals } from '../src/shared/domain/forecast/accuracy.js';
import { backtestJsonLine, runBacktest, type BacktestRun } from '../src/shared/domain/forecast/backtest.js';
import { epochDay } from '../src/shared/domain/forecast/calendar.js';
import { FEATURE_COUNT, MAX_HORIZON } from '../src/shared/domain/forecast/features.js';
import { buildInflationIndex } from '../src/shared/domain/forecast/inflation.js';
import { buildInferenceBatch, categoryIndexer } from '../src/shared/domain/forecast/model.js';
import { loadOnnxForecaster } from '../src/shared/domain/forecast/onnx-runner.js';
import { DEFAULT_LEAD_TIME_DAYS, DEFAULT_REVIEW_PERIOD_DAYS } from '../src/shared/domain/forecast/reorder.js';
import { parseSalesCsv, type SalesHistory } from '../src/shared/domain/forecast/sales-csv.js';
import { simulateCatalog, simulateSalesHistory } from '../src/shared/domain/forecast/simulate.js';
import { HISTORY_DAYS, PARITY_TOLERANCE, SERVICE_LEVEL, VALIDATION_FOLDS } from '../src/workers/processors/demand-forecasts.processor.js';

const PRODUCTS = 400;
const DAYS = 365;
const HELD_BACK = 56;
const SEED = 2025;

const round = (x: number, d = 4): number => Math.round(x * 10 ** d) / 10 ** d;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { csv: { type: 'string', multiple: true } } });
  const catalog = simulateCatalog({ count: PRODUCTS, seed: SEED });
  const simulated = simulateSalesHistory({ products: catalog, start: '2024-11-01', days: DAYS, seed: SEED });
  const datasets: { name: string; history: SalesHistory }[] = [
    {
      name: 'simulator',
      history: {
        startDay: epochDay(simulated.start),
        days: DAYS,
        items: simulated.series.map((s) => ({ name: s.product.key, category: s.product.category, quantity: s.quantity, priceCentavos: s.priceCentavos })),
      },
    },
  ];
  for (const file of values.csv ?? []) datasets.push({ name: basename(file).replace(/\.csv$/i, ''), history: parseSalesCsv(readFileSync(file, 'utf8')) });

  const metrics: Record<string, number | string | boolean> = { held_back_days: HELD_BACK, validation_folds: VALIDATION_FOLDS };
  const reductions: number[] = [];
  const coverages: number[] = [];
  let simRun: BacktestRun | undefined;
  for (const { name, history } of datasets) {
    const run = await runBacktest(history, {
      holdoutDays: HELD_BACK,
      horizon: MAX_HORIZON,
      historyDays: HISTORY_DAYS,
      folds: VALIDATION_FOLDS,
      parityTolerance: PARITY_TOLERANCE,
      leadTimeDays: DEFAULT_LEAD_TIME_DAYS,
      reviewPeriodDays: DEFAULT_REVIEW_PERIOD_DAYS,
      serviceLevel: SERVICE_LEVEL,
    });
    simRun ??= run;
    const r = run.report;
    const best = r.methods[r.bestBaseline].wape;
    const reduction = 1 - r.served.wape / best;
    reductions.push(reduction);
    coverages.push(r.p90Coverage);
    console.error(`${name}: ${backtestJsonLine(r)}`);
    Object.assign(metrics, {
      [`${name}_series`]: r.backtest.series,
      [`${name}_days`]: r.backtest.days,
      [`${name}_served_plan`]: `${r.served.plan.smooth}/${r.served.plan.intermittent}`,
      [`${name}_served_wape`]: round(r.served.wape),
      [`${name}_served_mase`]: round(r.served.mase),
      [`${name}_model_wape`]: round(r.methods.model.wape),
      [`${name}_best_baseline`]: r.bestBaseline,
      [`${name}_best_baseline_wape`]: round(best),
      [`${name}_served_wape_reduction_vs_best_baseline`]: round(reduction),
      [`${name}_p90_coverage`]: round(r.p90Coverage),
      [`${name}_p90_level_smooth`]: round(r.p90Levels.smooth),
      [`${name}_p90_level_intermittent`]: round(r.p90Levels.intermittent),
      [`${name}_stockout_days_served`]: r.reorder.served.stockoutDays,
      [`${name}_stockout_days_moving_average`]: r.reorder.moving_average.stockoutDays,
      [`${name}_avg_stock_served`]: round(r.reorder.served.avgStock, 2),
      [`${name}_avg_stock_moving_average`]: round(r.reorder.moving_average.avgStock, 2),
      [`${name}_training_s`]: round(run.trainingWallMs / 1000, 1),
      [`${name}_onnx_vs_ts_max_rel_diff`]: run.parityMaxRelDiff,
    });
  }

  // The simulator knows its own mean: the ceiling any forecast could reach on the same days.
  const oracle = emptyTotals();
  for (let origin = DAYS - 1 - HELD_BACK; origin + MAX_HORIZON <= DAYS - 1; origin += MAX_HORIZON) {
    for (const s of simulated.series) {
      const actual = s.quantity.subarray(origin + 1, origin + 1 + MAX_HORIZON);
      addTotals(oracle, seriesTotals(actual, s.expected.subarray(origin + 1, origin + 1 + MAX_HORIZON), maseScale(s.quantity, origin)));
    }
  }
  const simReport = simRun!.report;
  metrics.simulator_oracle_wape = round(scores(oracle).wape);
  metrics.simulator_oracle_wape_reduction_vs_best_baseline = round(1 - scores(oracle).wape / simReport.methods[simReport.bestBaseline].wape);

  // Throughput: the whole simulated catalog's 14-day batch in one run vs the same rows one by one.
  const index = categoryIndexer(simRun!.training.model.categories);
  const series = simulated.series.map((s) => ({ quantity: s.quantity, priceCentavos: s.priceCentavos, categoryIndex: index(s.product.category) }));
  const forecaster = await loadOnnxForecaster(simRun!.training.onnx);
  const batch = buildInferenceBatch(series, DAYS - 1, { startDay: epochDay(simulated.start), inflation: buildInflationIndex() });
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
  const speedup = batchedPerSec / singlePerSec;

  const meanReduction = reductions.reduce((a, b) => a + b, 0) / reductions.length;
  const worstReduction = Math.min(...reductions);
  Object.assign(metrics, {
    datasets: datasets.map((d) => d.name).join(','),
    served_wape_reduction_mean: round(meanReduction),
    served_wape_reduction_worst: round(worstReduction),
    p90_coverage_min: round(Math.min(...coverages)),
    p90_coverage_max: round(Math.max(...coverages)),
    batched_forecasts_per_s: Math.round(batchedPerSec),
    single_row_forecasts_per_s: Math.round(singlePerSec),
    batched_speedup: round(speedup, 1),
    trees: simRun!.training.model.gbt.trees.length,
    onnx_bytes: simRun!.training.onnx.length,
  });
  const goals = {
    served_wape_reduction_worst: '>= 0',
    served_wape_reduction_mean: '>= 0.05',
    p90_coverage_min: '>= 0.85',
    p90_coverage_max: '<= 0.95',
    batched_speedup: '>= 20',
  };
  const met = worstReduction >= 0 && meanReduction >= 0.05 && Math.min(...coverages) >= 0.85 && Math.max(...coverages) <= 0.95 && speedup >= 20;
  const result = { bench: 'forecast', metrics, goals, met };
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'forecast.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result));
}

await main();
