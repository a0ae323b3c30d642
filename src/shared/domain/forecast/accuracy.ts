/** Forecast accuracy sums, additive so folds, products and classes can be pooled. */
export interface AccuracyTotals {
  absError: number;
  error: number;
  actual: number;
  /** Σ over series of (series MAE / series scale), and the number of such series. */
  scaledErrorSum: number;
  scaledSeries: number;
}

/** Aggregate scores. WAPE = Σ|e| / Σy; MASE = mean over series of MAE / in-sample seasonal-naive MAE; bias = Σe / Σy. */
export interface AccuracyScores {
  wape: number;
  mase: number;
  bias: number;
}

export function emptyTotals(): AccuracyTotals {
  return { absError: 0, error: 0, actual: 0, scaledErrorSum: 0, scaledSeries: 0 };
}

export function addTotals(into: AccuracyTotals, other: AccuracyTotals): AccuracyTotals {
  into.absError += other.absError;
  into.error += other.error;
  into.actual += other.actual;
  into.scaledErrorSum += other.scaledErrorSum;
  into.scaledSeries += other.scaledSeries;
  return into;
}

/**
 * Scale for MASE: mean absolute one-week seasonal difference over the in-sample history.
 * Returns 0 for a series that never changes (it is then left out of MASE).
 */
export function maseScale(q: ArrayLike<number>, origin: number, window = 364): number {
  let sum = 0;
  let n = 0;
  for (let i = Math.max(7, origin - window + 1); i <= origin; i++) {
    sum += Math.abs(q[i]! - q[i - 7]!);
    n++;
  }
  return n > 0 ? sum / n : 0;
}

/** Totals of one series' forecasts against its actuals. */
export function seriesTotals(actual: ArrayLike<number>, forecast: ArrayLike<number>, scale: number): AccuracyTotals {
  const t = emptyTotals();
  for (let i = 0; i < actual.length; i++) {
    const e = forecast[i]! - actual[i]!;
    t.absError += Math.abs(e);
    t.error += e;
    t.actual += actual[i]!;
  }
  if (scale > 0 && actual.length > 0) {
    t.scaledErrorSum = t.absError / actual.length / scale;
    t.scaledSeries = 1;
  }
  return t;
}

export function scores(t: AccuracyTotals): AccuracyScores {
  return {
    wape: t.actual > 0 ? t.absError / t.actual : t.absError > 0 ? Infinity : 0,
    mase: t.scaledSeries > 0 ? t.scaledErrorSum / t.scaledSeries : 0,
    bias: t.actual > 0 ? t.error / t.actual : 0,
  };
}
