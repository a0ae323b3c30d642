import test from 'ava';
import { civil, epochDay, weekday } from '../../../src/shared/domain/forecast/calendar.js';
import { buildInflationIndex } from '../../../src/shared/domain/forecast/inflation.js';
import { simulateCatalog, simulateSalesHistory } from '../../../src/shared/domain/forecast/simulate.js';

const products = simulateCatalog({ count: 300, seed: 11 });
const history = simulateSalesHistory({ products, start: '2025-01-01', days: 365, seed: 11 });
const startDay = epochDay(history.start);

test('the same seed gives the same history; another seed does not', (t) => {
  const again = simulateSalesHistory({ products: products.slice(0, 20), start: '2025-01-01', days: 365, seed: 11 });
  const other = simulateSalesHistory({ products: products.slice(0, 20), start: '2025-01-01', days: 365, seed: 12 });
  t.deepEqual(Array.from(again.series[5]!.quantity), Array.from(history.series[5]!.quantity), 'a product keeps its history in a smaller catalog');
  t.notDeepEqual(Array.from(other.series[5]!.quantity), Array.from(history.series[5]!.quantity));
});

test('quantities are non-negative and exact to 3 decimals; prices are whole centavos', (t) => {
  for (const s of history.series) {
    for (let i = 0; i < history.days; i++) {
      const q = s.quantity[i]!;
      t.true(q >= 0);
      if (Math.abs(Math.round(q * 1000) - q * 1000) > 1e-6) t.fail(`${s.product.key} day ${i}: ${q}`);
      if (!Number.isInteger(s.priceCentavos[i]!)) t.fail(`price ${s.priceCentavos[i]}`);
    }
    if (s.product.unit === 'unit') t.true(s.quantity.every((q) => Number.isInteger(q)));
  }
});

test('most products have intermittent demand', (t) => {
  const intermittent = history.series.filter((s) => s.quantity.filter((q) => q === 0).length > history.days / 2);
  t.true(intermittent.length > history.series.length / 2);
  const heavy = history.series.filter((s) => s.quantity.reduce((a, b) => a + b, 0) / history.days > 5);
  t.true(heavy.length > 0, 'a few top sellers exist');
});

function totalWhere(category: string, pick: (day: number) => boolean): { sum: number; days: number } {
  let sum = 0;
  let days = 0;
  for (let i = 0; i < history.days; i++) {
    if (!pick(startDay + i)) continue;
    days++;
    for (const s of history.series) if (s.product.category === category) sum += s.quantity[i]!;
  }
  return { sum, days };
}
const rate = (x: { sum: number; days: number }): number => x.sum / x.days;

test('drinks sell more on Saturdays than on Mondays', (t) => {
  const sat = rate(totalWhere('bebidas', (d) => weekday(d) === 5));
  const mon = rate(totalWhere('bebidas', (d) => weekday(d) === 0));
  t.true(sat > mon * 1.3, `saturday ${sat} monday ${mon}`);
});

test('groceries sell more in the payday window than at the end of the month', (t) => {
  const early = rate(totalWhere('almacen', (d) => civil(d).dayOfMonth <= 5));
  const late = rate(totalWhere('almacen', (d) => civil(d).dayOfMonth >= 22));
  t.true(early > late * 1.15, `early ${early} late ${late}`);
});

test('shelf prices follow the CPI over the year', (t) => {
  const index = buildInflationIndex();
  const cpiRatio = index.level(startDay + 364) / index.level(startDay);
  const ratios = history.series.map((s) => s.priceCentavos[364]! / s.priceCentavos[0]!).sort((a, b) => a - b);
  const median = ratios[Math.floor(ratios.length / 2)]!;
  t.true(Math.abs(median / cpiRatio - 1) < 0.1, `median ${median} cpi ${cpiRatio}`);
});
