import test from 'ava';
import fc from 'fast-check';
import {
  computePrice,
  isPricePoint,
  marginBp,
  roundDownToPricePoint,
  roundUpToPricePoint,
  taxBreakdown,
  unitPrice,
  type PriceInput,
  type PriceRule,
} from '../../../src/shared/domain/pricing/price.js';
import { formatPercent, parsePercentBp } from '../../../src/shared/domain/pricing/rates.js';

const IVA = [0, 250, 500, 1050, 2100, 2700];

const pricePoints = fc
  .record({ step: fc.constantFrom(1, 5, 10, 50, 100, 500, 1000, 5000, 10_000), endingFraction: fc.integer({ min: 0, max: 99 }) })
  .map(({ step, endingFraction }) => ({ step, ending: Math.floor((step * endingFraction) / 100) }));

const rule = fc
  .record({
    points: pricePoints,
    markupBp: fc.integer({ min: 0, max: 30_000 }),
    minMarginBp: fc.integer({ min: 0, max: 9_500 }),
    maxChangeBp: fc.option(fc.integer({ min: 1, max: 12_000 }), { nil: null }),
    priceAheadDays: fc.option(fc.integer({ min: 1, max: 90 }), { nil: null }),
  })
  .map(({ points, ...r }): PriceRule => ({ id: 1, stepCents: points.step, endingCents: points.ending, ...r }));

const input = fc.record({
  costCents: fc.integer({ min: 0, max: 50_000_000 }),
  ivaBp: fc.constantFrom(...IVA),
  internalTaxBp: fc.constantFrom(0, 0, 400, 800, 1400, 2000),
  currentPriceCents: fc.option(fc.integer({ min: 1, max: 100_000_000 }), { nil: null }),
}) as fc.Arbitrary<PriceInput>;

const opts = fc.record({ forwardRateBp: fc.integer({ min: -300, max: 2_500 }), force: fc.boolean() });

test('a computed price never sells below the rule minimum margin (exact, on the price net of national taxes)', (t) => {
  fc.assert(
    fc.property(rule, input, opts, (r, i, o) => {
      const { priceCents } = computePrice(r, i, o);
      // net = P / (1 + t); margin = (net − cost) / net ≥ m  ⇔  P × (1 − m) ≥ cost × (1 + t)
      return BigInt(priceCents) * BigInt(10_000 - r.minMarginBp) >= BigInt(i.costCents) * BigInt(10_000 + i.ivaBp + i.internalTaxBp);
    }),
    { numRuns: 3000 },
  );
  t.pass();
});

test('rounding to price points is idempotent, lands on a point, and moves less than one step', (t) => {
  fc.assert(
    fc.property(pricePoints, fc.integer({ min: 0, max: 1e12 }), ({ step, ending }, x) => {
      const up = roundUpToPricePoint(x, step, ending);
      const down = roundDownToPricePoint(x, step, ending);
      return (
        roundUpToPricePoint(up, step, ending) === up &&
        isPricePoint(up, step, ending) &&
        up >= x &&
        (x <= ending || up - x < step) &&
        (down === null ? x < ending : isPricePoint(down, step, ending) && down <= x && x - down < step && roundDownToPricePoint(down, step, ending) === down)
      );
    }),
    { numRuns: 5000 },
  );
  t.pass();
});

test('the price is monotone in the replacement cost (same rule, taxes, current price and options)', (t) => {
  fc.assert(
    fc.property(rule, input, opts, fc.integer({ min: 0, max: 5_000_000 }), (r, i, o, extra) => {
      const low = computePrice(r, i, o).priceCents;
      const high = computePrice(r, { ...i, costCents: i.costCents + extra }, o).priceCents;
      return low <= high;
    }),
    { numRuns: 3000 },
  );
  t.pass();
});

test('without force, a price moves at most the rule maximum change per run unless the margin floor lifts it', (t) => {
  fc.assert(
    fc.property(rule, input, fc.integer({ min: 0, max: 2_000 }), (r, i, forwardRateBp) => {
      fc.pre(r.maxChangeBp !== null && i.currentPriceCents !== null);
      const d = computePrice(r, i, { forwardRateBp, force: false });
      if (d.atFloor) return d.priceCents === d.floorCents;
      const old = BigInt(i.currentPriceCents!);
      const moved = BigInt(d.priceCents) - old;
      return (moved < 0n ? -moved : moved) * 10_000n <= old * BigInt(Math.min(r.maxChangeBp!, 10_000));
    }),
    { numRuns: 3000 },
  );
  t.pass();
});

test('a forced run ignores the change limit: the price is the rounded target or the margin floor', (t) => {
  fc.assert(
    fc.property(rule, input, opts, (r, i, o) => {
      const d = computePrice(r, i, { ...o, force: true });
      return d.priceCents === Math.max(d.targetCents, d.floorCents) && isPricePoint(d.priceCents, r.stepCents, r.endingCents);
    }),
    { numRuns: 2000 },
  );
  t.pass();
});

test('price ahead raises the price by the forward rate over the days to restock, and only when the rule asks', (t) => {
  const base: PriceRule = { id: 1, markupBp: 5000, minMarginBp: 1000, stepCents: 1, endingCents: 0, maxChangeBp: null, priceAheadDays: null };
  const item: PriceInput = { costCents: 100_000, ivaBp: 0, internalTaxBp: 0, currentPriceCents: null };
  t.is(computePrice(base, item, { forwardRateBp: 300, force: false }).priceCents, 150_000);
  // 1000 × 1.5 × (1 + 3 % × 15 / 30) = 1522.50
  t.is(computePrice({ ...base, priceAheadDays: 15 }, item, { forwardRateBp: 300, force: false }).priceCents, 152_250);
  t.is(computePrice({ ...base, priceAheadDays: 15 }, item, { forwardRateBp: -200, force: false }).priceCents, 150_000);
});

test('a worked example: cost $1000, markup 35 %, IVA 21 %, step $10 ending $9', (t) => {
  const r: PriceRule = { id: 1, markupBp: 3500, minMarginBp: 2000, stepCents: 1000, endingCents: 900, maxChangeBp: null, priceAheadDays: null };
  // 1000 × 1.35 × 1.21 = 1633.50 → next point ending in 9: 1639
  const d = computePrice(r, { costCents: 100_000, ivaBp: 2100, internalTaxBp: 0, currentPriceCents: null }, { forwardRateBp: 0, force: false });
  t.is(d.priceCents, 163_900);
  t.false(d.atFloor);
  // a 20 % minimum margin needs 1000 × 1.21 / 0.8 = 1512.50 → 1519
  t.is(d.floorCents, 151_900);
});

test('the change limit keeps a rise in the band and stays put when no price point fits in it', (t) => {
  const r: PriceRule = { id: 1, markupBp: 10_000, minMarginBp: 0, stepCents: 1000, endingCents: 0, maxChangeBp: 1000, priceAheadDays: null };
  const at = (costCents: number, currentPriceCents: number) => computePrice(r, { costCents, ivaBp: 0, internalTaxBp: 0, currentPriceCents }, { forwardRateBp: 0, force: false });
  t.like(at(100_000, 150_000), { priceCents: 165_000, targetCents: 200_000, capped: true });
  // 10 % of $51 is $5.10: no $10 point between 51 and 56.10, so the price stays at $51.
  t.like(at(2_800, 5_100), { priceCents: 5_100, targetCents: 6_000, capped: true });
});

test('the tax breakdown adds up to the price and rounds half up', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1e10 }), fc.constantFrom(...IVA), fc.constantFrom(0, 800, 2000), (p, iva, internal) => {
      const b = taxBreakdown(p, iva, internal);
      return b.withoutNationalTaxesCents + b.ivaCents + b.internalTaxesCents === p && b.ivaCents >= 0 && b.internalTaxesCents >= -1;
    }),
  );
  t.deepEqual(taxBreakdown(121_000, 2100, 0), { withoutNationalTaxesCents: 100_000, ivaCents: 21_000, internalTaxesCents: 0 });
  t.deepEqual(taxBreakdown(1_000, 1050, 0), { withoutNationalTaxesCents: 905, ivaCents: 95, internalTaxesCents: 0 });
});

test('unit prices: weighed goods are per kg, packaged goods per kg or litre of net content', (t) => {
  t.deepEqual(unitPrice(250_000, 'kg', null, null), { cents: 250_000, per: 'kg' });
  t.deepEqual(unitPrice(360_000, 'unit', 2_250n, 'l'), { cents: 160_000, per: 'l' });
  t.deepEqual(unitPrice(1_000, 'unit', 473n, 'l'), { cents: 2_114, per: 'l' });
  t.is(unitPrice(1_000, 'unit', null, null), null);
});

test('the margin is measured on the price net of taxes', (t) => {
  t.is(marginBp(121_000, 80_000, 2100, 0), 2000);
  t.is(marginBp(null, 80_000, 2100, 0), null);
  t.true(marginBp(100_000, 90_000, 2100, 0)! < 0);
});

test('percent strings and numbers become basis points exactly, and back', (t) => {
  t.is(parsePercentBp('10.5'), 1050);
  t.is(parsePercentBp(2.7), 270);
  t.is(parsePercentBp('-0.3'), -30);
  t.is(parsePercentBp('1.234'), undefined);
  t.is(parsePercentBp('1e3'), undefined);
  t.is(formatPercent(1050), '10.5');
  t.is(formatPercent(-30), '-0.3');
  fc.assert(fc.property(fc.integer({ min: -99_999_999, max: 99_999_999 }), (bp) => parsePercentBp(formatPercent(bp)) === bp));
});
