import { addTotals, emptyTotals, maseScale, scores, seriesTotals, type AccuracyScores } from './accuracy.js';
import { isoDay } from './calendar.js';
import { FEATURE_COUNT, MAX_HORIZON, type DemandSeries, type FeatureContext } from './features.js';
import { buildInflationIndex } from './inflation.js';
import {
  SERVING_METHODS,
  buildInferenceBatch,
  categoryIndexer,
  decidePlan,
  evaluateOrigin,
  newAccumulator,
  serveForecasts,
  servedPlan,
  type ServingMethod,
  type ServingPlan,
} from './model.js';
import { loadOnnxForecaster, measureOnnxParity } from './onnx-runner.js';
import { normalQuantile } from './quantiles.js';
import { suggestReorder } from './reorder.js';
import type { SalesHistory } from './sales-csv.js';
import { packHistory, trainAndExport, type TrainingRequest, type TrainingResult } from './training.js';
import { BacktestInputError } from '../../errors.js';

/**
 * Backtest: what the forecasts would have been worth on a shop's own history. Training uses
 * the production training function on the days before the held-back window; the held-back days
 * are then forecast from rolling origins with the production serving plan, and the reorder rule
 * is replayed on them. Pure: the caller trains (or hands the work to a thread) and supplies the
 * model's batch predictions (ONNX in the CLI), so the numbers are those production would serve.
 */
export interface BacktestOptions {
  /** Days held back at the end (default 56). */
  holdoutDays: number;
  /** Days forecast from each origin, and days between origins (default 14, at most 14). */
  horizon: number;
  /** Days of history a training reads, counted back from its last day (production: 365). */
  historyDays: number;
  folds: number;
}

export interface ReorderPolicy {
  leadTimeDays: number;
  reviewPeriodDays: number;
  serviceLevel: number;
}

export interface PreparedBacktest {
  series: DemandSeries[];
  ctx: FeatureContext;
  categories: string[];
  /** Index of the last training day; the first origin. */
  cutoff: number;
  /** The request production's training would get for the same days. */
  training: TrainingRequest;
}

/** Days a training needs: 56 days of feature history plus one horizon per fold and one more. */
export function trainingDaysNeeded(folds: number): number {
  return 56 + MAX_HORIZON * (folds + 1);
}

/**
 * Splits a history into the training window (as production's training would see it on the
 * day before the held-back window: at most `historyDays`, from the first day with a sale) and
 * the held-back days.
 */
export function prepareBacktest(history: SalesHistory, opts: BacktestOptions): PreparedBacktest {
  if (!(opts.horizon >= 1 && opts.horizon <= MAX_HORIZON)) throw new BacktestInputError(`horizon must be 1…${MAX_HORIZON} days, got ${opts.horizon}`);
  if (!(opts.holdoutDays >= opts.horizon)) throw new BacktestInputError(`holdout must be at least one horizon (${opts.horizon} days), got ${opts.holdoutDays}`);
  const categories = [...new Set(history.items.map((i) => i.category || 'none'))].sort();
  const index = categoryIndexer(categories);
  const series: DemandSeries[] = history.items.map((i) => ({ quantity: i.quantity, priceCentavos: i.priceCentavos, categoryIndex: index(i.category || 'none') }));
  const cutoff = history.days - 1 - opts.holdoutDays;
  let first = Math.max(0, cutoff - opts.historyDays + 1);
  const firstSale = Math.min(...series.map((s) => Array.prototype.findIndex.call(s.quantity, (q: number, i: number) => i >= first && q > 0)).filter((i) => i >= 0 && i <= cutoff));
  if (Number.isFinite(firstSale)) first = firstSale;
  const trainingDays = cutoff - first + 1;
  const needed = trainingDaysNeeded(opts.folds);
  if (trainingDays < needed) {
    throw new BacktestInputError(`training needs at least ${needed} days of sales before the ${opts.holdoutDays} held-back days; the history has ${Math.max(0, trainingDays)} (${history.days} days in all)`);
  }
  const window = history.items.map((it, i) => ({ quantity: it.quantity.subarray(first, cutoff + 1), priceCentavos: it.priceCentavos.subarray(first, cutoff + 1), categoryIndex: series[i]!.categoryIndex }));
  return {
    series,
    ctx: { startDay: history.startDay, inflation: buildInflationIndex() },
    categories,
    cutoff,
    training: {
      history: packHistory(window, history.startDay + first, trainingDays),
      categories,
      trainedThrough: isoDay(history.startDay + cutoff),
      folds: opts.folds,
    },
  };
}

export interface PolicyOutcome {
  /** Item-days with demand the shelf could not meet. */
  stockoutDays: number;
  /** Share of item-days with a stockout. */
  stockoutRate: number;
  /** Share of demanded units sold. */
  fillRate: number;
  /** Mean units on the shelf at the end of a day, per item. */
  avgStock: number;
}

export interface BacktestReport {
  backtest: { series: number; days: number; holdoutDays: number; horizon: number; origins: number; trainedThrough: string };
  served: { plan: Record<'smooth' | 'intermittent', ServingMethod>; wape: number; mase: number; bias: number };
  methods: Record<ServingMethod, AccuracyScores>;
  bestBaseline: ServingMethod;
  /** Share of held-back item-days whose sales were at or below the served p90. */
  p90Coverage: number;
  /** Level of the distribution served as p90 per class, conformally calibrated on validation days. */
  p90Levels: Record<'smooth' | 'intermittent', number>;
  reorder: { leadTimeDays: number; reviewPeriodDays: number; serviceLevel: number; served: PolicyOutcome; moving_average: PolicyOutcome };
}

export interface EvaluateOptions extends BacktestOptions, ReorderPolicy {
  plan: ServingPlan;
  /** Model means for a batch from `buildInferenceBatch` (the served ONNX session in the CLI). */
  predict: (x: Float32Array) => Promise<Float64Array>;
  /** Whether the model may serve (a version that failed validation or parity does not). */
  modelServes: boolean;
}

/** Moving-average days of the reorder rule without forecasts. */
export const MOVING_AVERAGE_DAYS = 28;

/**
 * Forecasts the held-back days from origins every `horizon` days with the served plan, scores
 * the served forecasts, the model and every baseline on the same days, and replays the reorder
 * rule driven by the served forecasts and by a moving average.
 */
export async function evaluateBacktest(prepared: PreparedBacktest, opts: EvaluateOptions): Promise<BacktestReport> {
  const { series, ctx, cutoff } = prepared;
  const days = series[0]?.quantity.length ?? 0;
  const acc = newAccumulator();
  const served = emptyTotals();
  let covered = 0;
  let counted = 0;
  let origins = 0;
  for (let origin = cutoff; origin + opts.horizon <= days - 1; origin += opts.horizon) {
    origins++;
    const means = await opts.predict(buildInferenceBatch(series, origin, ctx, opts.horizon));
    evaluateOrigin(series, origin, means, acc, opts.horizon);
    const out = serveForecasts(series, origin, opts.plan, opts.modelServes ? means : undefined, opts.horizon);
    series.forEach((s, si) => {
      const actual = Array.from({ length: opts.horizon }, (_, h) => s.quantity[origin + 1 + h]!);
      const points = out[si]!.points;
      addTotals(served, seriesTotals(actual, points.map((p) => p.mean), maseScale(s.quantity, origin)));
      for (let h = 0; h < opts.horizon; h++) {
        counted++;
        if (actual[h]! <= Math.max(points[h]!.p50, points[h]!.p90) + 1e-9) covered++;
      }
    });
  }
  const decided = decidePlan(acc);
  const s = scores(served);
  const reorder = await simulateReorder(prepared, opts);
  return {
    backtest: { series: series.length, days, holdoutDays: opts.holdoutDays, horizon: opts.horizon, origins, trainedThrough: prepared.training.trainedThrough },
    served: { plan: { smooth: opts.plan.smooth.method, intermittent: opts.plan.intermittent.method }, wape: s.wape, mase: s.mase, bias: s.bias },
    methods: decided.overall,
    bestBaseline: decided.bestBaseline,
    p90Coverage: counted > 0 ? covered / counted : 0,
    p90Levels: { smooth: opts.plan.smooth.p90Level ?? 0.9, intermittent: opts.plan.intermittent.p90Level ?? 0.9 },
    reorder: { leadTimeDays: opts.leadTimeDays, reviewPeriodDays: opts.reviewPeriodDays, serviceLevel: opts.serviceLevel, ...reorder },
  };
}

interface ShelfState {
  onHand: number;
  /** Arrivals by day index. */
  arrivals: Map<number, number>;
  stockouts: number;
  demanded: number;
  sold: number;
  stockSum: number;
  daysCounted: number;
}

const shelf = (): ShelfState => ({ onHand: 0, arrivals: new Map(), stockouts: 0, demanded: 0, sold: 0, stockSum: 0, daysCounted: 0 });

/**
 * Replays periodic review over the held-back days for every item: at the end of each review day
 * an order up to the target (production's `suggestReorder` for the served forecasts; a 28-day
 * moving average with z·σ·√(L+R) for the rule without forecasts) arrives `leadTimeDays` full
 * days later. Each policy starts with its own first target on the shelf; unmet demand is lost.
 */
export async function simulateReorder(
  prepared: PreparedBacktest,
  opts: EvaluateOptions,
): Promise<{ served: PolicyOutcome; moving_average: PolicyOutcome }> {
  const { series, ctx, cutoff } = prepared;
  const days = series[0]?.quantity.length ?? 0;
  const z = normalQuantile(opts.serviceLevel);
  const cover = Math.ceil(opts.leadTimeDays + opts.reviewPeriodDays);
  const viaForecast = series.map(shelf);
  const viaAverage = series.map(shelf);
  for (let day = cutoff; day < days; day++) {
    if (day > cutoff) {
      series.forEach((s, si) => {
        for (const st of [viaForecast[si]!, viaAverage[si]!]) {
          st.onHand += st.arrivals.get(day) ?? 0;
          st.arrivals.delete(day);
          const demand = s.quantity[day]!;
          const sold = Math.min(demand, st.onHand);
          if (demand > st.onHand + 1e-9) st.stockouts++;
          st.onHand -= sold;
          st.demanded += demand;
          st.sold += sold;
          st.stockSum += st.onHand;
          st.daysCounted++;
        }
      });
    }
    if ((day - cutoff) % opts.reviewPeriodDays !== 0 || day === days - 1) continue;
    const means = opts.modelServes ? await opts.predict(buildInferenceBatch(series, day, ctx)) : undefined;
    const out = serveForecasts(series, day, opts.plan, means);
    series.forEach((s, si) => {
      const f = viaForecast[si]!;
      const onOrderF = [...f.arrivals.values()].reduce((a, b) => a + b, 0);
      const suggestion = suggestReorder({
        dailyMeans: out[si]!.points.map((p) => p.mean),
        dispersion: opts.plan[out[si]!.productClass].dispersion,
        leadTimeDays: opts.leadTimeDays,
        reviewPeriodDays: opts.reviewPeriodDays,
        serviceLevel: opts.serviceLevel,
        onHand: day === cutoff ? 0 : f.onHand,
        onOrder: onOrderF,
        packSize: 1,
      });
      if (day === cutoff) f.onHand = suggestion.orderUpTo;
      else if (suggestion.quantity > 0) f.arrivals.set(day + opts.leadTimeDays + 1, suggestion.quantity);

      const a = viaAverage[si]!;
      let sum = 0;
      let sq = 0;
      const from = Math.max(0, day - MOVING_AVERAGE_DAYS + 1);
      for (let i = from; i <= day; i++) {
        sum += s.quantity[i]!;
        sq += s.quantity[i]! * s.quantity[i]!;
      }
      const n = day - from + 1;
      const mean = sum / n;
      const sd = Math.sqrt(Math.max(0, sq / n - mean * mean));
      const target = cover * mean + z * sd * Math.sqrt(cover);
      if (day === cutoff) a.onHand = target;
      else {
        const onOrderA = [...a.arrivals.values()].reduce((x, y) => x + y, 0);
        const want = Math.ceil(target - a.onHand - onOrderA - 1e-9);
        if (want > 0) a.arrivals.set(day + opts.leadTimeDays + 1, want);
      }
    });
  }
  const outcome = (states: ShelfState[]): PolicyOutcome => {
    const itemDays = states.reduce((t, st) => t + st.daysCounted, 0);
    const stockouts = states.reduce((t, st) => t + st.stockouts, 0);
    const demanded = states.reduce((t, st) => t + st.demanded, 0);
    const sold = states.reduce((t, st) => t + st.sold, 0);
    return {
      stockoutDays: stockouts,
      stockoutRate: itemDays > 0 ? stockouts / itemDays : 0,
      fillRate: demanded > 0 ? sold / demanded : 1,
      avgStock: itemDays > 0 ? states.reduce((t, st) => t + st.stockSum, 0) / itemDays : 0,
    };
  };
  return { served: outcome(viaForecast), moving_average: outcome(viaAverage) };
}

export interface RunBacktestOptions extends BacktestOptions, ReorderPolicy {
  /** Largest ONNX/TypeScript relative difference a version may have and still serve. */
  parityTolerance: number;
}

export interface BacktestRun {
  report: BacktestReport;
  training: TrainingResult;
  parityMaxRelDiff: number;
  activated: boolean;
  trainingWallMs: number;
}

/**
 * The whole backtest as production would live it: train with production's training function
 * on the days before the held-back window, export, load the ONNX bytes in onnxruntime, check
 * parity, activate as production does, and serve the held-back days through that session.
 */
export async function runBacktest(history: SalesHistory, opts: RunBacktestOptions): Promise<BacktestRun> {
  const prepared = prepareBacktest(history, opts);
  const started = performance.now();
  const training = trainAndExport(prepared.training);
  const trainingWallMs = performance.now() - started;
  const forecaster = await loadOnnxForecaster(training.onnx);
  try {
    const parityMaxRelDiff = await measureOnnxParity(forecaster, training, FEATURE_COUNT);
    const activated = parityMaxRelDiff <= opts.parityTolerance && training.validation.activate;
    const report = await evaluateBacktest(prepared, {
      ...opts,
      plan: servedPlan(training.validation, activated),
      modelServes: activated,
      predict: async (x) => Float64Array.from(await forecaster.run(x, FEATURE_COUNT)),
    });
    return { report, training, parityMaxRelDiff, activated, trainingWallMs };
  } finally {
    await forecaster.release();
  }
}

const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;

/** The report as one JSON line: backtest, served plan and scores, every method, p90 coverage, reorder replay. */
export function backtestJsonLine(report: BacktestReport): string {
  const methods = Object.fromEntries(SERVING_METHODS.map((m) => [m, { wape: r4(report.methods[m].wape), mase: r4(report.methods[m].mase), bias: r4(report.methods[m].bias) }]));
  const policy = (o: PolicyOutcome) => ({ stockoutDays: o.stockoutDays, stockoutRate: r4(o.stockoutRate), fillRate: r4(o.fillRate), avgStock: r4(o.avgStock) });
  return JSON.stringify({
    backtest: { series: report.backtest.series, days: report.backtest.days, holdoutDays: report.backtest.holdoutDays },
    served: { plan: report.served.plan, wape: r4(report.served.wape), mase: r4(report.served.mase) },
    methods,
    bestBaseline: report.bestBaseline,
    p90Coverage: r4(report.p90Coverage),
    reorder: {
      leadTimeDays: report.reorder.leadTimeDays,
      reviewPeriodDays: report.reorder.reviewPeriodDays,
      serviceLevel: report.reorder.serviceLevel,
      served: policy(report.reorder.served),
      moving_average: policy(report.reorder.moving_average),
    },
  });
}
