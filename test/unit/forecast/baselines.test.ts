import test from 'ava';
import { seasonalNaive, ses, tsb } from '../../../src/shared/domain/forecast/baselines.js';

test('seasonal naive repeats the same weekday of the last observed week', (t) => {
  const q = Array.from({ length: 35 }, (_, i) => i % 7);
  const f = seasonalNaive(q, 34, 14);
  for (let h = 1; h <= 14; h++) t.is(f[h - 1], (34 + h) % 7);
});

test('SES of a constant series is that constant', (t) => {
  const f = ses(new Array(120).fill(3), 119, 14);
  t.true(f.every((v) => Math.abs(v - 3) < 1e-9));
});

test('TSB decays while an item stops selling; an item that never sold forecasts zero', (t) => {
  const selling = Array.from({ length: 150 }, (_, i) => (i % 3 === 0 ? 2 : 0));
  const stopped = [...selling, ...new Array(40).fill(0)];
  const before = tsb(selling, selling.length - 1, 14)[0]!;
  const after = tsb(stopped, stopped.length - 1, 14)[0]!;
  t.true(before > 0.4 && before < 0.9, `before ${before}`);
  t.true(after < before / 2, `after ${after}`);
  t.true(tsb(new Array(100).fill(0), 99, 14).every((v) => v === 0));
});
