import { civil, daysInMonth } from './calendar.js';

/** One month of the consumer price index: period 'YYYY-MM' and the month's change in percent. */
export interface MonthlyInflation {
  period: string;
  pct: number;
}

/**
 * National CPI monthly changes (INDEC), 2023-01 … 2026-01. The default series for the
 * simulator and for features when the database has no imported index rows.
 */
export const DEFAULT_CPI_SERIES: readonly MonthlyInflation[] = [
  ['2023-01', 6.0], ['2023-02', 6.6], ['2023-03', 7.7], ['2023-04', 8.4], ['2023-05', 7.8],
  ['2023-06', 6.0], ['2023-07', 6.3], ['2023-08', 12.4], ['2023-09', 12.7], ['2023-10', 8.3],
  ['2023-11', 12.8], ['2023-12', 25.5], ['2024-01', 20.6], ['2024-02', 13.2], ['2024-03', 11.0],
  ['2024-04', 8.8], ['2024-05', 4.2], ['2024-06', 4.6], ['2024-07', 4.0], ['2024-08', 4.2],
  ['2024-09', 3.5], ['2024-10', 2.7], ['2024-11', 2.4], ['2024-12', 2.7], ['2025-01', 2.2],
  ['2025-02', 2.4], ['2025-03', 3.7], ['2025-04', 2.8], ['2025-05', 1.5], ['2025-06', 1.6],
  ['2025-07', 1.9], ['2025-08', 1.9], ['2025-09', 2.1], ['2025-10', 2.3], ['2025-11', 2.5],
  ['2025-12', 2.8], ['2026-01', 2.9],
].map(([period, pct]) => ({ period: period as string, pct: pct as number }));

/** A daily price level built from monthly changes; level 1 at the start of the first month. */
export interface InflationIndex {
  /** Price level on a day (geometric interpolation inside a month). */
  level(day: number): number;
}

function monthKey(year: number, month: number): number {
  return year * 12 + (month - 1);
}

/**
 * Builds the daily index. Months before the series use its first rate, months after it the
 * mean of its last three rates, so inference past the last published month still works.
 */
export function buildInflationIndex(series: readonly MonthlyInflation[] = DEFAULT_CPI_SERIES): InflationIndex {
  if (series.length === 0) return { level: () => 1 };
  const sorted = [...series].sort((a, b) => a.period.localeCompare(b.period));
  const keyOf = (p: string): number => monthKey(Number(p.slice(0, 4)), Number(p.slice(5, 7)));
  const firstKey = keyOf(sorted[0]!.period);
  const rates = new Map<number, number>();
  for (const m of sorted) rates.set(keyOf(m.period), m.pct / 100);
  const lastKey = keyOf(sorted[sorted.length - 1]!.period);
  const tail = sorted.slice(-3);
  const tailRate = tail.reduce((s, m) => s + m.pct, 0) / tail.length / 100;
  const firstRate = sorted[0]!.pct / 100;
  const rateOf = (key: number): number => {
    if (key < firstKey) return firstRate;
    if (key > lastKey) return tailRate;
    return rates.get(key) ?? tailRate;
  };
  const startLevels = new Map<number, number>();
  const monthStartLevel = (key: number): number => {
    const cached = startLevels.get(key);
    if (cached !== undefined) return cached;
    let level = 1;
    if (key > firstKey) for (let k = firstKey; k < key; k++) level *= 1 + rateOf(k);
    else for (let k = key; k < firstKey; k++) level /= 1 + rateOf(k);
    startLevels.set(key, level);
    return level;
  };
  return {
    level(day: number): number {
      const c = civil(day);
      const key = monthKey(c.year, c.month);
      const fraction = (c.dayOfMonth - 1) / daysInMonth(c.year, c.month);
      return monthStartLevel(key) * Math.pow(1 + rateOf(key), fraction);
    },
  };
}
