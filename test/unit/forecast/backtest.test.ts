import test from 'ava';
import { evaluateBacktest, prepareBacktest, trainingDaysNeeded } from '../../../src/shared/domain/forecast/backtest.js';
import { epochDay } from '../../../src/shared/domain/forecast/calendar.js';
import { FEATURE_COUNT } from '../../../src/shared/domain/forecast/features.js';
import type { SalesHistory } from '../../../src/shared/domain/forecast/sales-csv.js';
import { BacktestInputError } from '../../../src/shared/errors.js';

const DAYS = 250;
const HOLDOUT = 56;
const STEP_AT = DAYS - HOLDOUT;

/** Three items selling 4 a day, 8 a day from the first held-back day on. */
function steppedHistory(): SalesHistory {
  return {
    startDay: epochDay('2025-01-01'),
    days: DAYS,
    items: ['a', 'b', 'c'].map((name) => ({
      name,
      category: 'almacen',
      quantity: Float64Array.from({ length: DAYS }, (_, d) => (d >= STEP_AT ? 8 : 4)),
      priceCentavos: new Float64Array(DAYS),
    })),
  };
}

const options = { holdoutDays: HOLDOUT, horizon: 14, historyDays: 365, folds: 3 };
const plan = { smooth: { method: 'model' as const, dispersion: 0.05 }, intermittent: { method: 'model' as const, dispersion: 0.05 } };

test('the training window ends the day before the held-back days and holds what production would train on', (t) => {
  const prepared = prepareBacktest(steppedHistory(), options);
  t.is(prepared.cutoff, DAYS - 1 - HOLDOUT);
  t.is(prepared.training.history.days, DAYS - HOLDOUT);
  t.is(prepared.training.trainedThrough, '2025-07-13');
  t.is(prepared.training.folds, 3);
  t.true(prepared.training.history.quantity.every((q) => q === 4), 'no held-back day leaks into training');
  t.throws(() => prepareBacktest(steppedHistory(), { ...options, holdoutDays: DAYS - trainingDaysNeeded(3) + 1 }), { instanceOf: BacktestInputError });
  t.throws(() => prepareBacktest(steppedHistory(), { ...options, horizon: 15 }), { instanceOf: BacktestInputError });
});

test('a forecast that sees the step scores perfectly and keeps the shelf stocked; the moving average runs out', async (t) => {
  const prepared = prepareBacktest(steppedHistory(), options);
  const report = await evaluateBacktest(prepared, {
    ...options,
    plan,
    modelServes: true,
    predict: async (x) => new Float64Array(x.length / FEATURE_COUNT).fill(8),
    leadTimeDays: 2,
    reviewPeriodDays: 7,
    serviceLevel: 0.95,
  });
  t.is(report.backtest.origins, 4);
  t.is(report.served.wape, 0);
  t.is(report.methods.model.wape, 0);
  t.true(report.methods.ses.wape > 0.1, 'baselines lag the step');
  t.is(report.p90Coverage, 1);
  t.is(report.reorder.served.stockoutDays, 0);
  t.is(report.reorder.served.fillRate, 1);
  t.true(report.reorder.moving_average.stockoutDays > 0, 'the moving average lags the step');
  t.true(report.reorder.moving_average.fillRate < 1);
  t.true(report.reorder.served.avgStock > 0);
});
