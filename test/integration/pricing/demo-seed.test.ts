import test from 'ava';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { seedDemoData } from '../../../src/shared/demo/seed.js';
import { netContentOf } from '../../../src/shared/demo/pricing-seed.js';
import { loadRuleSet, ruleFor } from '../../../src/shared/db/repositories/pricing-rules.repository.js';
import { percentColumnBp } from '../../../src/shared/domain/pricing/rates.js';

let database: TestDatabase;
test.before(async () => {
  database = await createTestDatabase();
});
test.after.always(async () => {
  await database?.drop();
});

test('the demo shop gets rules, costs, taxes, both index series, initial prices that keep every minimum margin, and whole units of unit-counted products', async (t) => {
  const db = database.db;
  await seedDemoData(db, { createAdminKey: false });
  const products = await db.selectFrom('products').select(['category', 'replacement_cost_cents', 'iva_rate_pct', 'internal_tax_pct', 'price_cents', 'net_content']).execute();
  t.true(products.length > 150);
  t.true(products.every((p) => p.replacement_cost_cents !== null && p.price_cents !== null));
  const rules = await loadRuleSet(db);
  const under = products.filter((p) => {
    const m = ruleFor(rules, p.category).minMarginBp;
    return BigInt(p.price_cents!) * BigInt(10_000 - m) < BigInt(p.replacement_cost_cents!) * BigInt(10_000 + percentColumnBp(p.iva_rate_pct) + percentColumnBp(p.internal_tax_pct));
  });
  t.deepEqual(under, []);
  t.true(products.some((p) => p.iva_rate_pct === '10.50'));
  t.true(products.some((p) => p.internal_tax_pct !== '0.00'));
  t.true(products.some((p) => p.net_content !== null));

  const series = await sql<{ series: string; n: number }>`SELECT series, count(*)::int AS n FROM inflation_index GROUP BY series ORDER BY series`.execute(db);
  t.deepEqual(series.rows, [{ series: 'expected', n: 2 }, { series: 'official', n: 37 }]);
  const batch = await db.selectFrom('label_batches').select('product_count').where('run_id', '=', 'seed-initial-prices').executeTakeFirstOrThrow();
  t.is(batch.product_count, products.length);

  // Products counted in units hold whole units after a year of simulated sales and receipts.
  const unitBalances = await db.selectFrom('stock_levels as s').innerJoin('products as p', 'p.id', 's.product_id').select(['p.sku', 's.quantity']).where('p.unit', '=', 'unit').execute();
  t.true(unitBalances.length > 100);
  t.deepEqual(unitBalances.filter((b) => !/^-?\d+(\.0+)?$/.test(b.quantity)), []);
  const fractions = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM stock_movements m JOIN products p ON p.id = m.product_id WHERE p.unit = 'unit' AND m.quantity <> trunc(m.quantity)`.execute(db);
  t.is(fractions.rows[0]!.n, 0);
  const sales = await sql<{ n: number }>`SELECT count(*)::int AS n FROM stock_movements WHERE type = 'sale'`.execute(db);
  t.true(sales.rows[0]!.n > 1000, 'the demo carries a sales history');
});

test('net content is read from product names', (t) => {
  t.deepEqual(netContentOf('Gaseosa cola 2,25 l Marca A'), { quantity: '2.250', unit: 'l' });
  t.deepEqual(netContentOf('Cerveza lata 473 ml Marca B'), { quantity: '0.473', unit: 'l' });
  t.deepEqual(netContentOf('Queso crema 290 g Marca A'), { quantity: '0.290', unit: 'kg' });
  t.is(netContentOf('Pañales x30 Marca A'), null);
});
