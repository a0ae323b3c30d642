import test from 'ava';
import { demandCdf, demandQuantile, normalCdf, normalQuantile } from '../../../src/shared/domain/forecast/quantiles.js';

test('normal quantiles match the usual table values', (t) => {
  t.true(Math.abs(normalQuantile(0.975) - 1.959964) < 1e-5);
  t.true(Math.abs(normalQuantile(0.5)) < 1e-12);
  t.true(Math.abs(normalQuantile(0.01) + 2.326348) < 1e-5);
});

test('demand quantiles: Poisson without dispersion, wider with it, zero for no demand', (t) => {
  // Poisson(2): P(≤1) = 0.406, P(≤2) = 0.677; P(≤3) = 0.857, P(≤4) = 0.947.
  t.is(demandQuantile(2, 0, 0.5), 2);
  t.is(demandQuantile(2, 0, 0.9), 4);
  t.true(demandQuantile(2, 1, 0.9) > 4);
  t.is(demandQuantile(0, 0.5, 0.9), 0);
  t.is(demandQuantile(0.2, 0, 0.5), 0);
});

test('demand CDF agrees with demand quantiles: the p-quantile covers y exactly when P(Y ≤ y − 1) < p', (t) => {
  for (const [mean, phi] of [[0.3, 0], [2, 0], [2, 0.8], [40, 0.1], [350, 0.05]] as const) {
    for (const p of [0.5, 0.83, 0.9, 0.97]) {
      const q = demandQuantile(mean, phi, p);
      t.true(demandCdf(mean, phi, q) >= p - 1e-9, `F(q) ≥ p for μ ${mean}, φ ${phi}, p ${p}`);
      t.true(demandCdf(mean, phi, q - 1) < p, `F(q − 1) < p for μ ${mean}, φ ${phi}, p ${p}`);
    }
  }
  t.true(Math.abs(demandCdf(2, 0, 1) - 0.406) < 1e-3);
  t.is(demandCdf(2, 0, -1), 0);
  t.is(demandCdf(0, 0.5, 0), 1);
  t.true(Math.abs(normalCdf(1.959964) - 0.975) < 1e-6);
});
