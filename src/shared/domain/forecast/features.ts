import { civil, holidayKind, weekday } from './calendar.js';
import type { InflationIndex } from './inflation.js';

/**
 * One product/location's daily history as features need it. Index 0 is `startDay`; days
 * after the origin may be present (training) or absent (inference): features never read them.
 */
export interface DemandSeries {
  /** Quantity sold per day (units or kg). */
  quantity: ArrayLike<number>;
  /** Shelf price per day in centavos; 0 or missing means unknown (carried forward). */
  priceCentavos: ArrayLike<number>;
  /** Index into the model's category list (unknown categories share the last slot). */
  categoryIndex: number;
}

export interface FeatureContext {
  /** Epoch day of index 0 of every series. */
  startDay: number;
  inflation: InflationIndex;
}

/**
 * Feature columns, in order. The ONNX graph and the TypeScript model read the same columns,
 * and `level` doubles as the Poisson offset (prediction = level × exp(trees)).
 */
export const FEATURE_NAMES = [
  'horizon',
  'weekday',
  'day_of_month',
  'payday_window',
  'is_holiday',
  'is_non_working',
  'is_holiday_eve',
  'aguinaldo_second_half',
  'year_end_eve',
  'mean_7_ratio',
  'mean_28_ratio',
  'mean_91_ratio',
  'ewma_fast_ratio',
  'ewma_slow_ratio',
  'same_weekday_mean_4w_ratio',
  'weekday_ratio_12w',
  'payday_ratio_91',
  'last_value_ratio',
  'days_since_last_sale',
  'nonzero_share_28',
  'nonzero_share_91',
  'size_cv2_91',
  'real_price_change_28',
  'real_price_vs_91',
  'category',
  'level',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];
export const FEATURE_COUNT = FEATURE_NAMES.length;
/** Column that holds the demand level used as the model's offset. */
export const LEVEL_FEATURE = FEATURE_NAMES.indexOf('level');
/** Longest forecast horizon (days after the origin). */
export const MAX_HORIZON = 14;
/** Smallest level, so the log offset is finite for products that have not sold lately. */
export const LEVEL_FLOOR = 0.01;

function windowMean(q: ArrayLike<number>, origin: number, length: number): number {
  const from = Math.max(0, origin - length + 1);
  let sum = 0;
  for (let i = from; i <= origin; i++) sum += q[i]!;
  // A short history averages over the days it has, not over days before it existed.
  return origin >= from ? sum / (origin - from + 1) : 0;
}

/** Exponentially weighted mean over the last 182 days (older days weigh almost nothing). */
function ewma(q: ArrayLike<number>, origin: number, alpha: number): number {
  let num = 0;
  let den = 0;
  let w = 1;
  for (let i = origin; i >= 0 && i > origin - 182; i--) {
    num += w * q[i]!;
    den += w;
    w *= 1 - alpha;
  }
  return den > 0 ? num / den : 0;
}

function priceAt(p: ArrayLike<number>, index: number): number {
  for (let i = Math.min(index, p.length - 1); i >= 0; i--) if (p[i]! > 0) return p[i]!;
  return 0;
}

/** Calendar columns of a target day: identical for every product, cached per day. */
export interface CalendarFeatures {
  weekday: number;
  dayOfMonth: number;
  month: number;
  paydayWindow: number;
  isHoliday: number;
  isNonWorking: number;
  isHolidayEve: number;
  aguinaldoSecondHalf: number;
  yearEndEve: number;
}

const calendarCache = new Map<number, CalendarFeatures>();

export function calendarFeatures(day: number): CalendarFeatures {
  const cached = calendarCache.get(day);
  if (cached) return cached;
  const { month, dayOfMonth } = civil(day);
  const kind = holidayKind(day);
  const f: CalendarFeatures = {
    weekday: weekday(day),
    dayOfMonth,
    month,
    paydayWindow: dayOfMonth <= 5 ? 1 : 0,
    isHoliday: kind === 'holiday' ? 1 : 0,
    isNonWorking: kind === 'non_working' ? 1 : 0,
    isHolidayEve: kind === undefined && holidayKind(day + 1) !== undefined ? 1 : 0,
    aguinaldoSecondHalf: (month === 6 || month === 12) && dayOfMonth >= 18 ? 1 : 0,
    yearEndEve: month === 12 && ((dayOfMonth >= 22 && dayOfMonth <= 24) || dayOfMonth >= 29) ? 1 : 0,
  };
  calendarCache.set(day, f);
  return f;
}

/**
 * Writes the feature row for forecasting day `origin + horizon` from the history up to and
 * including `origin` into `out` at `offset`. Reads nothing after `origin`, so training rows and
 * inference rows for the same (origin, horizon) are identical.
 */
export function writeFeatureRow(
  series: DemandSeries,
  origin: number,
  horizon: number,
  ctx: FeatureContext,
  out: Float32Array,
  offset: number,
): void {
  const q = series.quantity;
  const targetDay = ctx.startDay + origin + horizon;
  const cal = calendarFeatures(targetDay);

  const mean7 = windowMean(q, origin, 7);
  const mean28 = windowMean(q, origin, 28);
  const mean91 = windowMean(q, origin, 91);

  let sameWeekday = 0;
  let sameCount = 0;
  for (let k = 1; k <= 4; k++) {
    const i = origin + horizon - 7 * Math.ceil(horizon / 7) - 7 * (k - 1);
    if (i >= 0) {
      sameWeekday += q[i]!;
      sameCount++;
    }
  }
  sameWeekday = sameCount > 0 ? sameWeekday / sameCount : 0;

  // Product's own weekday profile over 12 weeks: target weekday vs all days.
  let wdSum = 0;
  let allSum = 0;
  const from84 = Math.max(0, origin - 83);
  const targetWeekday = cal.weekday;
  for (let i = from84; i <= origin; i++) {
    allSum += q[i]!;
    if (weekday(ctx.startDay + i) === targetWeekday) wdSum += q[i]!;
  }
  const weekdayRatio = allSum > 0 ? (wdSum * 7) / allSum : 1;

  // Product's own month-start (payday) lift over the last 91 days.
  let paySum = 0;
  let payDays = 0;
  let restSum = 0;
  let restDays = 0;
  for (let i = Math.max(0, origin - 90); i <= origin; i++) {
    if (calendarFeatures(ctx.startDay + i).paydayWindow === 1) {
      paySum += q[i]!;
      payDays++;
    } else {
      restSum += q[i]!;
      restDays++;
    }
  }
  const paydayRatio = payDays > 0 && restSum > 0 ? paySum / payDays / (restSum / restDays) : 1;
  const level = 0.5 * (mean28 + mean91) + LEVEL_FLOOR;

  let daysSince = 120;
  for (let i = origin, d = 0; i >= 0 && d < 120; i--, d++) {
    if (q[i]! > 0) {
      daysSince = d;
      break;
    }
  }

  let nz28 = 0;
  for (let i = Math.max(0, origin - 27); i <= origin; i++) if (q[i]! > 0) nz28++;
  let nz91 = 0;
  let sizeSum = 0;
  let sizeSq = 0;
  for (let i = Math.max(0, origin - 90); i <= origin; i++) {
    const v = q[i]!;
    if (v > 0) {
      nz91++;
      sizeSum += v;
      sizeSq += v * v;
    }
  }
  const sizeMean = nz91 > 0 ? sizeSum / nz91 : 0;
  const sizeCv2 = nz91 > 1 && sizeMean > 0 ? Math.max(0, sizeSq / nz91 - sizeMean * sizeMean) / (sizeMean * sizeMean) : 0;

  // Price relative to the CPI: a shelf price that lags inflation is a real price cut.
  const p = series.priceCentavos;
  const priceNow = priceAt(p, origin);
  const price28 = priceAt(p, Math.max(0, origin - 28));
  const cpiNow = ctx.inflation.level(ctx.startDay + origin);
  let realChange28 = 0;
  if (priceNow > 0 && price28 > 0) {
    realChange28 = priceNow / cpiNow / (price28 / ctx.inflation.level(ctx.startDay + Math.max(0, origin - 28))) - 1;
  }
  let realSum = 0;
  let realCount = 0;
  for (let i = Math.max(0, origin - 90); i <= origin; i += 7) {
    const pi = priceAt(p, i);
    if (pi > 0) {
      realSum += pi / ctx.inflation.level(ctx.startDay + i);
      realCount++;
    }
  }
  const realVs91 = priceNow > 0 && realCount > 0 ? priceNow / cpiNow / (realSum / realCount) - 1 : 0;

  const row = [
    horizon,
    cal.weekday,
    cal.dayOfMonth,
    cal.paydayWindow,
    cal.isHoliday,
    cal.isNonWorking,
    cal.isHolidayEve,
    cal.aguinaldoSecondHalf,
    cal.yearEndEve,
    mean7 / level,
    mean28 / level,
    mean91 / level,
    ewma(q, origin, 0.1) / level,
    ewma(q, origin, 0.03) / level,
    sameWeekday / level,
    weekdayRatio,
    paydayRatio,
    (q[origin] ?? 0) / level,
    daysSince,
    nz28 / 28,
    nz91 / 91,
    sizeCv2,
    realChange28,
    realVs91,
    series.categoryIndex,
    level,
  ];
  for (let j = 0; j < FEATURE_COUNT; j++) out[offset + j] = row[j]!;
}

/** Feature rows for horizons 1…`horizons` from one origin: the inference batch of one product. */
export function buildForecastRows(
  series: DemandSeries,
  origin: number,
  ctx: FeatureContext,
  horizons: number = MAX_HORIZON,
): Float32Array {
  const out = new Float32Array(horizons * FEATURE_COUNT);
  for (let h = 1; h <= horizons; h++) writeFeatureRow(series, origin, h, ctx, out, (h - 1) * FEATURE_COUNT);
  return out;
}
