import test from 'ava';
import {
  calibrateDispersion,
  calibrateP90Level,
  classifySeries,
  decidePlan,
  pairedAdvantage,
  evaluateOrigin,
  baselineForecast,
  newAccumulator,
  serveForecasts,
  servedPlan,
} from '../../../src/shared/domain/forecast/model.js';
import { MAX_HORIZON } from '../../../src/shared/domain/forecast/features.js';
import { createRng } from '../../../src/shared/domain/forecast/prng.js';
import { demandQuantile } from '../../../src/shared/domain/forecast/quantiles.js';
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
  // Not activated (e.g. parity failed): the class's best baseline, calibrated on its own errors.
  const fallback = servedPlan(report, false).smooth;
  t.not(fallback.method, 'model');
  t.true(fallback.p90Level! > 0.5 && fallback.p90Level! < 1);
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
  // The plan's calibrated level is what p90 serves (0.9 when a stored plan has none).
  const lower = serveForecasts(series, origin, { ...plan, smooth: { ...plan.smooth, p90Level: 0.7 } }, batch);
  const smoothP90 = (rows: typeof served) => rows.filter((r) => r.productClass === 'smooth').flatMap((r) => r.points.map((p) => p.p90));
  t.true(smoothP90(lower).every((p90, i) => p90 < smoothP90(served)[i]!), 'a lower level gives a lower p90');
});

test('a model a little worse than a baseline on validation keeps serving: closeness is noise, not evidence', (t) => {
  // "Model" = SES fitted a week earlier: a little worse than SES, but not block after block.
  const report = planFor((i, d) => {
    const o = origins.find((x) => d > x && d <= x + MAX_HORIZON)!;
    return baselineForecast('ses', series[i]!, o - 7)[0]!;
  });
  t.true(report.byClass.smooth.model.wape > report.byClass.smooth.ses.wape, 'the model does lose on validation');
  t.is(report.plan.smooth.method, 'model');
  t.true(report.activate);
});

test('pairedAdvantage is large only when one side wins block after block', (t) => {
  const model = Array.from({ length: 40 }, (_, i) => 10 + (i % 5));
  t.true(pairedAdvantage(model, model.map((e) => e - 2)) > 10, 'baseline better on every block');
  t.true(pairedAdvantage(model, model.map((e, i) => e + (i % 2 === 0 ? -3 : 3.1))) < 1, 'mixed: no evidence');
  t.true(pairedAdvantage(model, model.map((e) => e + 1)) < 0, 'model better');
});

test('calibrated dispersion makes p90 cover about 90 % of negative binomial days', (t) => {
  const rng = createRng(11);
  const phi = 0.6;
  const pairs = Array.from({ length: 4000 }, () => {
    const mu = 0.5 + 6 * rng.next();
    const lambda = (mu * rng.gamma(1 / phi)) / (1 / phi);
    return { y: rng.poisson(lambda), mu };
  });
  const fitted = calibrateDispersion(pairs);
  const covered = pairs.filter(({ y, mu }) => y <= demandQuantile(mu, fitted, 0.9)).length / pairs.length;
  t.true(covered >= 0.9 && covered < 0.93, `coverage ${covered}`);
  t.true(fitted > 0.2 && fitted < 1.2, `φ ${fitted}`);
  t.is(calibrateDispersion([]), 0);
});

test('conformal p90 level: slow sellers, whose whole-unit p90 covers 96 % of days, get a band covering about 90 %', (t) => {
  const rng = createRng(12);
  const draw = () =>
    Array.from({ length: 3000 }, () => {
      const mu = 0.1 + 0.6 * rng.next();
      return { y: rng.poisson(mu), mu };
    });
  const calibration = draw();
  const coverage = (pairs: { y: number; mu: number }[], level: number) => pairs.filter(({ y, mu }) => y <= demandQuantile(mu, 0, level)).length / pairs.length;
  t.true(coverage(calibration, 0.9) > 0.95, `plain p90 covers ${coverage(calibration, 0.9)}`);
  const level = calibrateP90Level(calibration, 0);
  t.true(level < 0.9, `level ${level}`);
  t.true(coverage(calibration, level) >= 0.9 && coverage(calibration, level) < 0.91, `calibration days ${coverage(calibration, level)}`);
  const fresh = coverage(draw(), level);
  t.true(fresh > 0.87 && fresh < 0.93, `new days from the same process ${fresh}`);
  // Steady sellers with the right dispersion keep about the nominal level.
  const steady = Array.from({ length: 3000 }, () => {
    const mu = 20 + 30 * rng.next();
    return { y: rng.poisson(mu), mu };
  });
  t.true(Math.abs(calibrateP90Level(steady, 0) - 0.9) < 0.03);
  t.is(calibrateP90Level([], 0), 0.9);
});
