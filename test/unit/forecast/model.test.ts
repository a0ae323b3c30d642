import test from 'ava';
import {
  classifySeries,
  decidePlan,
  evaluateOrigin,
  newAccumulator,
  serveForecasts,
} from '../../../src/shared/domain/forecast/model.js';
import { MAX_HORIZON } from '../../../src/shared/domain/forecast/features.js';
import { simulateCatalog, simulateSalesHistory } from '../../../src/shared/domain/forecast/simulate.js';

const products = simulateCatalog({ count: 150, seed: 8 });
const history = simulateSalesHistory({ products, start: '2025-01-01', days: 260, seed: 8 });
const series = history.series.map((s) => ({ quantity: s.quantity, priceCentavos: s.priceCentavos, categoryIndex: 0 }));
const origins = [200, 214, 228];

/** Scores "model" predictions produced by `means` against the baselines at several origins. */
function planFor(means: (seriesIndex: number, day: number) => number) {
  const acc = newAccumulator();
  for (const o of origins) {
    const batch = new Float64Array(series.length * MAX_HORIZON);
    for (let i = 0; i < series.length; i++) for (let h = 1; h <= MAX_HORIZON; h++) batch[i * MAX_HORIZON + h - 1] = means(i, o + h);
    evaluateOrigin(series, o, batch, acc);
  }
  return decidePlan(acc);
}

test('a model that loses to the baselines is not activated and baselines serve every class', (t) => {
  // Triple the simulator's own mean: far worse than any baseline.
  const report = planFor((i, d) => 3 * history.series[i]!.expected[d]!);
  t.false(report.activate);
  t.not(report.plan.smooth.method, 'model');
  t.not(report.plan.intermittent.method, 'model');
  t.true(report.overall.model.wape > report.overall[report.bestBaseline].wape);
});

test('a model that beats the baselines serves the classes where it wins', (t) => {
  // The simulator's own mean is the best possible forecast.
  const report = planFor((i, d) => history.series[i]!.expected[d]!);
  t.true(report.activate);
  t.is(report.plan.smooth.method, 'model');
  t.true(report.overall.model.wape < report.overall[report.bestBaseline].wape);
});

test('serving falls back to the class baseline and gives ordered quantiles', (t) => {
  const origin = 240;
  const plan = {
    smooth: { method: 'model' as const, dispersion: 0.2 },
    intermittent: { method: 'tsb' as const, dispersion: 0.6 },
  };
  const batch = new Float64Array(series.length * MAX_HORIZON).fill(5);
  const served = serveForecasts(series, origin, plan, batch);
  served.forEach((r, i) => {
    t.is(r.productClass, classifySeries(series[i]!.quantity, origin));
    t.is(r.method, r.productClass === 'smooth' ? 'model' : 'tsb');
    for (const p of r.points) t.true(p.p50 <= p.p90);
  });
  const withoutModel = serveForecasts(series, origin, plan, undefined);
  t.true(withoutModel.every((r) => r.method !== 'model'), 'no model loaded: baselines only');
});
