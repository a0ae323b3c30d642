/**
 * Distribution helpers for turning a mean forecast into quantiles and safety stock.
 * Daily demand is modelled as negative binomial: Var = μ + φ·μ² (φ = 0 is Poisson).
 */

/** Inverse of the standard normal CDF (Acklam's rational approximation, |ε| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`probability must be in (0, 1): ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.928510446969, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** Variance of daily demand with mean μ and dispersion φ. */
export function demandVariance(mean: number, dispersion: number): number {
  return mean + dispersion * mean * mean;
}

/**
 * Smallest k with P(Y ≤ k) ≥ p for Y ~ NegBin(mean, dispersion). Large means use the normal
 * approximation (the exact sum would be slow and no more useful).
 */
export function demandQuantile(mean: number, dispersion: number, p: number): number {
  if (!(mean > 0)) return 0;
  if (mean > 200) return Math.max(0, Math.ceil(mean + normalQuantile(p) * Math.sqrt(demandVariance(mean, dispersion))));
  let pmf: number;
  let step: (k: number) => number;
  if (dispersion <= 1e-6) {
    pmf = Math.exp(-mean);
    step = (k) => mean / (k + 1);
  } else {
    const r = 1 / dispersion;
    const q = mean / (r + mean);
    pmf = Math.exp(r * Math.log(r / (r + mean)));
    step = (k) => ((k + r) / (k + 1)) * q;
  }
  let cdf = pmf;
  let k = 0;
  while (cdf < p && k < 100_000) {
    pmf *= step(k);
    k++;
    cdf += pmf;
  }
  return k;
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 on erf, |ε| < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/**
 * P(Y ≤ k) for Y ~ NegBin(mean, dispersion), with the same summation (and, for large means, the
 * same normal approximation) as `demandQuantile`, so `demandQuantile(μ, φ, p) ≥ y` exactly when
 * `demandCdf(μ, φ, y − 1) < p`.
 */
export function demandCdf(mean: number, dispersion: number, k: number): number {
  if (k < 0) return 0;
  if (!(mean > 0)) return 1;
  // demandQuantile's normal branch returns ceil(μ + z·σ); it is ≥ k + 1 exactly when z > (k − μ)/σ.
  if (mean > 200) return normalCdf((Math.floor(k) - mean) / Math.sqrt(demandVariance(mean, dispersion)));
  let pmf: number;
  let step: (i: number) => number;
  if (dispersion <= 1e-6) {
    pmf = Math.exp(-mean);
    step = (i) => mean / (i + 1);
  } else {
    const r = 1 / dispersion;
    const q = mean / (r + mean);
    pmf = Math.exp(r * Math.log(r / (r + mean)));
    step = (i) => ((i + r) / (i + 1)) * q;
  }
  let cdf = pmf;
  for (let i = 0; i < Math.floor(k) && cdf < 1; i++) {
    pmf *= step(i);
    cdf += pmf;
  }
  return Math.min(1, cdf);
}
