import test from 'ava';
import { balanceKey, planMovements, type MovementToApply } from '../../../src/shared/domain/stock.js';
import { formatQuantity, parseQuantity } from '../../../src/shared/domain/quantity.js';

const q = (s: string) => parseQuantity(s)!;
let n = 0;
const mv = (type: MovementToApply['type'], quantity: string, extra: Partial<MovementToApply> = {}): MovementToApply => ({
  id: `m${++n}`,
  type,
  productId: 1,
  locationId: 10,
  toLocationId: type === 'transfer' ? 20 : null,
  quantity: q(quantity),
  allowNegative: false,
  ...extra,
});
const single = (...ms: MovementToApply[]) => ms.map((m) => ({ atomic: false, movements: [m] }));
const stock = (entries: [number, number, string][]) => new Map(entries.map(([p, l, v]) => [balanceKey(p, l), q(v)]));

test('a sale that would make stock negative is rejected with the available quantity', (t) => {
  const sale = mv('sale', '5');
  const plan = planMovements(stock([[1, 10, '3']]), single(sale));
  t.deepEqual(plan.outcomes.get(sale.id), { status: 'rejected', reason: 'insufficient_stock', detail: { available: '3', requested: '5' } });
  t.is(plan.legs.length, 0);
  t.is(plan.deltas.size, 0);
});

test('sales in order consume stock until it runs out, then are rejected', (t) => {
  const sales = Array.from({ length: 5 }, () => mv('sale', '1'));
  const plan = planMovements(stock([[1, 10, '3']]), single(...sales));
  t.deepEqual(sales.map((s) => plan.outcomes.get(s.id)!.status), ['applied', 'applied', 'applied', 'rejected', 'rejected']);
  t.is(formatQuantity(plan.deltas.get(balanceKey(1, 10))!), '-3');
});

test('a product that allows negative stock can be oversold', (t) => {
  const sale = mv('sale', '2', { allowNegative: true });
  const plan = planMovements(new Map(), single(sale));
  t.like(plan.outcomes.get(sale.id), { status: 'applied', balanceAfter: q('-2') });
});

test('count writes the difference against the balance at apply time', (t) => {
  const sale = mv('sale', '2');
  const count = mv('count', '7');
  const plan = planMovements(stock([[1, 10, '10']]), single(sale, count));
  t.is(formatQuantity(plan.legs[1]!.quantity), '-1');
  t.like(plan.outcomes.get(count.id), { status: 'applied', balanceAfter: q('7') });
});

test('a count above the balance adds stock and a count of zero empties it', (t) => {
  const up = mv('count', '12.5', { productId: 2 });
  const zero = mv('count', '0');
  const plan = planMovements(stock([[1, 10, '4'], [2, 10, '10']]), single(up, zero));
  t.is(formatQuantity(plan.deltas.get(balanceKey(2, 10))!), '2.5');
  t.is(formatQuantity(plan.deltas.get(balanceKey(1, 10))!), '-4');
});

test('a transfer writes two legs and is rejected when the source lacks stock', (t) => {
  const ok = mv('transfer', '4');
  const tooMuch = mv('transfer', '4');
  const plan = planMovements(stock([[1, 10, '6']]), single(ok, tooMuch));
  t.deepEqual(plan.legs.map((l) => [l.locationId, formatQuantity(l.quantity)]), [[10, '-4'], [20, '4']]);
  t.like(plan.outcomes.get(ok.id), { status: 'applied', balanceAfter: q('2'), toBalanceAfter: q('4') });
  t.like(plan.outcomes.get(tooMuch.id), { status: 'rejected', reason: 'insufficient_stock' });
});

test('weighed quantities stay exact (0.125 kg eight times is 1 kg)', (t) => {
  const receipts = Array.from({ length: 8 }, () => mv('receipt', '0.125'));
  const plan = planMovements(new Map(), single(...receipts));
  t.is(formatQuantity(plan.deltas.get(balanceKey(1, 10))!), '1');
});

test('an atomic unit with one rejection rejects every movement and changes nothing', (t) => {
  const a = mv('receipt', '5');
  const b = mv('sale', '100');
  const c = mv('sale', '1');
  const after = mv('sale', '2');
  const plan = planMovements(stock([[1, 10, '3']]), [{ atomic: true, movements: [a, b, c] }, ...single(after)]);
  t.like(plan.outcomes.get(a.id), { status: 'rejected', reason: 'batch_rejected', detail: { failedMovementId: b.id, failedIndex: '1' } });
  t.like(plan.outcomes.get(b.id), { status: 'rejected', reason: 'insufficient_stock' });
  t.like(plan.outcomes.get(c.id), { status: 'rejected', reason: 'batch_rejected' });
  // The next unit sees the balance as if the atomic batch never happened.
  t.like(plan.outcomes.get(after.id), { status: 'applied', balanceAfter: q('1') });
  t.is(plan.legs.length, 1);
});

test('a non-atomic unit applies what it can', (t) => {
  const a = mv('receipt', '5');
  const b = mv('sale', '100');
  const plan = planMovements(stock([[1, 10, '3']]), [{ atomic: false, movements: [a, b] }]);
  t.is(plan.outcomes.get(a.id)!.status, 'applied');
  t.is(plan.outcomes.get(b.id)!.status, 'rejected');
});

test('random sequences never leave a negative balance and deltas equal the sum of legs', (t) => {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let round = 0; round < 200; round++) {
    const ms = Array.from({ length: 30 }, () => {
      const type = (['sale', 'receipt', 'adjustment', 'count', 'transfer'] as const)[Math.floor(rand() * 5)]!;
      const amount = (Math.floor(rand() * 5000) / 1000).toFixed(3);
      const quantity = type === 'adjustment' && rand() < 0.5 ? `-${amount === '0.000' ? '1' : amount}` : type === 'count' ? amount : amount === '0.000' ? '1' : amount;
      return mv(type, quantity, { productId: 1 + Math.floor(rand() * 2), locationId: 10 });
    });
    const start = stock([[1, 10, '5'], [2, 10, '1'], [1, 20, '0'], [2, 20, '0']]);
    const plan = planMovements(start, single(...ms));
    const final = new Map(start);
    for (const [k, d] of plan.deltas) final.set(k, (final.get(k) ?? 0n) + d);
    for (const v of final.values()) t.true(v >= 0n);
    const sum = plan.legs.reduce((s, l) => s + l.quantity, 0n);
    t.is(sum, [...plan.deltas.values()].reduce((s, d) => s + d, 0n));
  }
});

test('a receipt that would overflow the balance column is rejected with balance_out_of_bounds, not retried forever', (t) => {
  const big = mv('receipt', '99999999999');
  const plan = planMovements(stock([[1, 10, '99999999999']]), single(big));
  const outcome = plan.outcomes.get(big.id);
  t.is(outcome?.status, 'rejected');
  t.is(outcome?.status === 'rejected' ? outcome.reason : undefined, 'balance_out_of_bounds');
  t.is(plan.legs.length, 0);
  const fits = mv('receipt', '1');
  t.is(planMovements(stock([[1, 10, '99999999998']]), single(fits)).outcomes.get(fits.id)?.status, 'applied');
});

test('a count whose difference would not fit a ledger row is rejected with balance_out_of_bounds', (t) => {
  const count = mv('count', '99999999999', { allowNegative: true });
  const plan = planMovements(stock([[1, 10, '-99999999999']]), single(count));
  const outcome = plan.outcomes.get(count.id);
  t.is(outcome?.status === 'rejected' ? outcome.reason : undefined, 'balance_out_of_bounds');
});
