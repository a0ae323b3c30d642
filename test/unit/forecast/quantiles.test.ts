import test from 'ava';
import { demandQuantile, normalQuantile } from '../../../src/shared/domain/forecast/quantiles.js';

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
