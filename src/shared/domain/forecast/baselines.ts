/**
 * Classical per-series baselines computed on the same data as the model. Each takes the
 * history up to and including `origin` and returns mean forecasts for horizons 1…h.
 */

/** Same weekday in the last observed week. */
export function seasonalNaive(q: ArrayLike<number>, origin: number, horizons: number): Float64Array {
  const out = new Float64Array(horizons);
  for (let h = 1; h <= horizons; h++) {
    const i = origin + h - 7 * Math.ceil(h / 7);
    out[h - 1] = i >= 0 ? q[i]! : 0;
  }
  return out;
}

const FIT_WINDOW = 182;
const SES_ALPHAS = [0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5];
const TSB_ALPHAS = [0.05, 0.1, 0.2, 0.3];
const TSB_BETAS = [0.02, 0.05, 0.1, 0.2];

function sesRun(q: ArrayLike<number>, from: number, origin: number, alpha: number): { level: number; sse: number } {
  let level = 0;
  const warm = Math.min(origin, from + 27);
  let n = 0;
  for (let i = from; i <= warm; i++, n++) level += q[i]!;
  level = n > 0 ? level / n : 0;
  let sse = 0;
  for (let i = warm + 1; i <= origin; i++) {
    const e = q[i]! - level;
    sse += e * e;
    level += alpha * e;
  }
  return { level, sse };
}

/** Simple exponential smoothing; alpha picked per series by one-step squared error. */
export function ses(q: ArrayLike<number>, origin: number, horizons: number): Float64Array {
  const from = Math.max(0, origin - FIT_WINDOW + 1);
  let best = sesRun(q, from, origin, SES_ALPHAS[0]!);
  for (const a of SES_ALPHAS.slice(1)) {
    const r = sesRun(q, from, origin, a);
    if (r.sse < best.sse) best = r;
  }
  return new Float64Array(horizons).fill(Math.max(0, best.level));
}

function tsbRun(
  q: ArrayLike<number>,
  from: number,
  origin: number,
  alpha: number,
  beta: number,
): { forecast: number; sse: number } {
  const warm = Math.min(origin, from + 27);
  let nz = 0;
  let sizeSum = 0;
  for (let i = from; i <= warm; i++) {
    if (q[i]! > 0) {
      nz++;
      sizeSum += q[i]!;
    }
  }
  let prob = nz / Math.max(1, warm - from + 1);
  let size = nz > 0 ? sizeSum / nz : 0;
  let sse = 0;
  for (let i = warm + 1; i <= origin; i++) {
    const y = q[i]!;
    const e = y - prob * size;
    sse += e * e;
    if (y > 0) {
      size += alpha * (y - size);
      prob += beta * (1 - prob);
    } else {
      prob += beta * (0 - prob);
    }
  }
  return { forecast: prob * size, sse };
}

/**
 * Teunter–Syntetos–Babai: demand size and demand probability smoothed separately, so the
 * forecast decays while an item does not sell (Croston's does not). Parameters per series.
 */
export function tsb(q: ArrayLike<number>, origin: number, horizons: number): Float64Array {
  const from = Math.max(0, origin - FIT_WINDOW + 1);
  let best = { forecast: 0, sse: Infinity };
  for (const a of TSB_ALPHAS) {
    for (const b of TSB_BETAS) {
      const r = tsbRun(q, from, origin, a, b);
      if (r.sse < best.sse) best = r;
    }
  }
  return new Float64Array(horizons).fill(Math.max(0, best.forecast));
}

export const BASELINES = {
  seasonal_naive: seasonalNaive,
  ses,
  tsb,
} as const;

export type BaselineName = keyof typeof BASELINES;
export const BASELINE_NAMES = Object.keys(BASELINES) as BaselineName[];
