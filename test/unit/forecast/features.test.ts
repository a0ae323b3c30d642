import test from 'ava';
import { epochDay } from '../../../src/shared/domain/forecast/calendar.js';
import { FEATURE_COUNT, FEATURE_NAMES, LEVEL_FEATURE, MAX_HORIZON, buildForecastRows, writeFeatureRow } from '../../../src/shared/domain/forecast/features.js';
import { buildInflationIndex } from '../../../src/shared/domain/forecast/inflation.js';
import { simulateCatalog, simulateSalesHistory } from '../../../src/shared/domain/forecast/simulate.js';

const products = simulateCatalog({ count: 30, seed: 5 });
const history = simulateSalesHistory({ products, start: '2025-01-01', days: 240, seed: 5 });
const ctx = { startDay: epochDay(history.start), inflation: buildInflationIndex() };

test('a training row equals the inference row built from history cut at the origin', (t) => {
  for (const [k, s] of history.series.entries()) {
    const full = { quantity: s.quantity, priceCentavos: s.priceCentavos, categoryIndex: k % 5 };
    for (const origin of [60, 133, 200]) {
      // Inference sees only days up to the origin; later days do not exist yet.
      const cut = { quantity: s.quantity.slice(0, origin + 1), priceCentavos: s.priceCentavos.slice(0, origin + 1), categoryIndex: k % 5 };
      const inference = buildForecastRows(cut, origin, ctx);
      const training = new Float32Array(MAX_HORIZON * FEATURE_COUNT);
      for (let h = 1; h <= MAX_HORIZON; h++) writeFeatureRow(full, origin, h, ctx, training, (h - 1) * FEATURE_COUNT);
      t.deepEqual(Array.from(inference), Array.from(training));
    }
  }
});

test('features never read days after the origin', (t) => {
  const s = history.series[3]!;
  const origin = 150;
  const poisoned = Float64Array.from(s.quantity, (q, i) => (i > origin ? 1e9 : q));
  const a = buildForecastRows({ quantity: s.quantity, priceCentavos: s.priceCentavos, categoryIndex: 1 }, origin, ctx);
  const b = buildForecastRows({ quantity: poisoned, priceCentavos: s.priceCentavos, categoryIndex: 1 }, origin, ctx);
  t.deepEqual(Array.from(a), Array.from(b));
});

test('calendar columns describe the target day and the level column is positive', (t) => {
  const s = history.series[0]!;
  const origin = epochDay('2025-06-30') - ctx.startDay;
  const rows = buildForecastRows({ quantity: s.quantity, priceCentavos: s.priceCentavos, categoryIndex: 0 }, origin, ctx);
  const col = (name: string, h: number) => rows[(h - 1) * FEATURE_COUNT + FEATURE_NAMES.indexOf(name as never)]!;
  // 2025-07-09 (origin + 9) is Independence Day, a Wednesday; 2025-07-08 is its eve.
  t.is(col('is_holiday', 9), 1);
  t.is(col('is_holiday_eve', 8), 1);
  t.is(col('weekday', 9), 2);
  t.is(col('payday_window', 1), 1, 'July 1st is in the payday window');
  t.is(col('payday_window', 6), 0);
  t.is(col('horizon', 14), 14);
  for (let h = 1; h <= MAX_HORIZON; h++) t.true(rows[(h - 1) * FEATURE_COUNT + LEVEL_FEATURE]! > 0);
  t.true(rows.every((v) => Number.isFinite(v)));
});
