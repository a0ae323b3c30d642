import test from 'ava';
import { epochDay } from '../../../src/shared/domain/forecast/calendar.js';
import { buildInflationIndex } from '../../../src/shared/domain/forecast/inflation.js';

test('the daily index grows by the month rate from one month start to the next', (t) => {
  const index = buildInflationIndex([
    { period: '2025-01', pct: 2 },
    { period: '2025-02', pct: 10 },
  ]);
  t.is(index.level(epochDay('2025-01-01')), 1);
  t.true(Math.abs(index.level(epochDay('2025-02-01')) - 1.02) < 1e-12);
  const mid = index.level(epochDay('2025-02-15'));
  t.true(mid > 1.02 && mid < 1.02 * 1.1);
});

test('months after the series continue at the mean of its last three rates', (t) => {
  const index = buildInflationIndex([
    { period: '2025-01', pct: 1 },
    { period: '2025-02', pct: 2 },
    { period: '2025-03', pct: 3 },
  ]);
  const april = index.level(epochDay('2025-04-01'));
  const may = index.level(epochDay('2025-05-01'));
  t.true(Math.abs(may / april - 1.02) < 1e-12);
});
