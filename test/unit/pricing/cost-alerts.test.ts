import test from 'ava';
import fc from 'fast-check';
import { classifyCostChange, isAlert } from '../../../src/shared/domain/pricing/cost-alerts.js';

const noPrice = { cents: null, ivaBp: 2100, internalTaxBp: 0 };

test('a cost change lands in the highest band it reaches, exactly at the threshold', (t) => {
  const bands = [5, 15, 25];
  t.like(classifyCostChange(10_000, 10_499, bands, noPrice), { bandPct: null, changeBp: 499 });
  t.like(classifyCostChange(10_000, 10_500, bands, noPrice), { bandPct: 5, changeBp: 500 });
  t.like(classifyCostChange(10_000, 11_500, bands, noPrice), { bandPct: 15 });
  t.like(classifyCostChange(10_000, 7_000, bands, noPrice), { bandPct: 25, changeBp: -3000 });
  t.like(classifyCostChange(null, 7_000, bands, noPrice), { bandPct: null, changeBp: null });
});

test('a cost above the price net of taxes is flagged as selling at a loss', (t) => {
  // $1210 with 21 % IVA is $1000 net.
  t.true(classifyCostChange(100_000, 100_001, [5], { cents: 121_000, ivaBp: 2100, internalTaxBp: 0 }).sellingAtLoss);
  t.false(classifyCostChange(100_000, 100_000, [5], { cents: 121_000, ivaBp: 2100, internalTaxBp: 0 }).sellingAtLoss);
  t.true(isAlert(classifyCostChange(100_000, 100_001, [5], { cents: 121_000, ivaBp: 2100, internalTaxBp: 0 })));
});

test('bands are monotone: a larger move never lands in a lower band', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e8 }), fc.nat(1e8), fc.nat(1e8), (prev, a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      const band = (c: number) => classifyCostChange(prev, prev + c, [5, 15, 25], noPrice).bandPct ?? 0;
      return band(lo) <= band(hi);
    }),
  );
  t.pass();
});
