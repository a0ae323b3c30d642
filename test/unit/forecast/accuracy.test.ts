import test from 'ava';
import { addTotals, emptyTotals, maseScale, scores, seriesTotals } from '../../../src/shared/domain/forecast/accuracy.js';

test('WAPE, bias and MASE pool over series as defined', (t) => {
  const total = emptyTotals();
  addTotals(total, seriesTotals([2, 0, 4], [1, 1, 4], 1));
  addTotals(total, seriesTotals([0, 0, 2], [0, 0, 0], 0.5));
  const s = scores(total);
  t.is(s.wape, (1 + 1 + 0 + 2) / 8);
  t.is(s.bias, (-1 + 1 + 0 - 2) / 8);
  t.is(s.mase, ((2 / 3) / 1 + (2 / 3) / 0.5) / 2);
});

test('the MASE scale is the mean absolute weekly difference in sample', (t) => {
  const q = Array.from({ length: 21 }, (_, i) => (i < 14 ? 1 : 3));
  t.is(maseScale(q, 20), (7 * 0 + 7 * 2) / 14);
});
