import test from 'ava';
import { suggestReorder, type ReorderInput } from '../../../src/shared/domain/forecast/reorder.js';

const base: ReorderInput = {
  dailyMeans: new Array(14).fill(2),
  dispersion: 0,
  leadTimeDays: 3,
  reviewPeriodDays: 4,
  serviceLevel: 0.95,
  onHand: 0,
  onOrder: 0,
  packSize: 12,
};

test('orders whole packs that cover demand and safety stock', (t) => {
  const r = suggestReorder(base);
  t.is(r.demand, 14);
  // Poisson: σ = √14, z(0.95) = 1.645 → safety stock ≈ 6.155, up-to ≈ 20.155 → 2 packs of 12.
  t.true(Math.abs(r.safetyStock - 1.6448536 * Math.sqrt(14)) < 1e-3);
  t.is(r.packs, 2);
  t.is(r.quantity, 24);
});

test('stock on hand and on order reduce the order, to zero when covered', (t) => {
  t.is(suggestReorder({ ...base, onHand: 5 }).quantity, 24);
  t.is(suggestReorder({ ...base, onHand: 5, onOrder: 4 }).quantity, 12);
  t.is(suggestReorder({ ...base, onHand: 10, onOrder: 12 }).quantity, 0);
});

test('a shortfall just over a pack boundary rounds up to the next pack', (t) => {
  const r = suggestReorder({ ...base, dailyMeans: new Array(14).fill(1), serviceLevel: 0.5, packSize: 6, onHand: 0.999 });
  t.is(r.shortfall, 6.001);
  t.is(r.packs, 2);
  t.is(r.quantity, 12);
});

test('weighed goods keep 3 decimals exactly', (t) => {
  const r = suggestReorder({ ...base, dailyMeans: new Array(14).fill(0.35), serviceLevel: 0.5, packSize: 0.5, onHand: 0.1 });
  t.is(r.demand, 2.45);
  t.is(r.quantity, 2.5);
});

test('zero demand orders nothing', (t) => {
  const r = suggestReorder({ ...base, dailyMeans: new Array(14).fill(0), dispersion: 0.5 });
  t.is(r.demand, 0);
  t.is(r.safetyStock, 0);
  t.is(r.quantity, 0);
});

test('a protection interval longer than the horizon repeats the last week', (t) => {
  const means = [...new Array(7).fill(0), ...new Array(7).fill(3)];
  const r = suggestReorder({ ...base, dailyMeans: means, leadTimeDays: 14, reviewPeriodDays: 7 });
  t.is(r.demand, 7 * 3 + 7 * 3);
});

test('a higher service level never orders less', (t) => {
  let last = 0;
  for (const s of [0.6, 0.8, 0.9, 0.95, 0.99]) {
    const q = suggestReorder({ ...base, serviceLevel: s, dispersion: 0.3, packSize: 1 }).quantity;
    t.true(q >= last);
    last = q;
  }
});
