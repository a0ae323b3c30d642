import test from 'ava';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';
import { applyMovement, newLocation, newProduct } from '../../helpers/factories.js';

// Serial: the summary adds up the whole database, so nothing else may write while it is read.
let sys: TestSystem;
test.before(async () => {
  sys = await startTestSystem({ workers: false });
});
test.after.always(async () => {
  await sys?.close();
});

const daysAgo = (n: number) => new Date(Date.now() - n * 24 * 3600 * 1000);
const setPrice = (id: number, costCents: number, priceCents: number) =>
  sys.database.db.updateTable('products').set({ replacement_cost_cents: costCents, price_cents: priceCents, iva_rate_pct: '21' }).where('id', '=', id).execute();

test.serial('GET /v1/summary adds up inventory value, sales today and in 7 days (units and kg), products below reorder point and queue health', async (t) => {
  const db = sys.database.db;
  const salon = await newLocation(db);
  const deposito = await newLocation(db);
  const a = await newProduct(db);
  const kg = await newProduct(db, { unit: 'kg' });
  await newProduct(db, { reorderPoint: '5' });
  await setPrice(a.id, 10_000, 15_000);
  await setPrice(kg.id, 200_000, 300_000);
  await applyMovement(db, { type: 'receipt', productId: a.id, locationId: salon.id, quantity: '10', occurredAt: daysAgo(20) });
  await applyMovement(db, { type: 'receipt', productId: a.id, locationId: deposito.id, quantity: '5', occurredAt: daysAgo(20) });
  await applyMovement(db, { type: 'receipt', productId: kg.id, locationId: salon.id, quantity: '4.5', occurredAt: daysAgo(20) });
  await applyMovement(db, { type: 'sale', productId: a.id, locationId: salon.id, quantity: '2' });
  await applyMovement(db, { type: 'sale', productId: kg.id, locationId: salon.id, quantity: '0.125' });
  await applyMovement(db, { type: 'sale', productId: a.id, locationId: salon.id, quantity: '3', occurredAt: daysAgo(3) });
  await applyMovement(db, { type: 'sale', productId: a.id, locationId: salon.id, quantity: '1', occurredAt: daysAgo(10) });

  const res = await sys.http('/v1/summary');
  t.is(res.status, 200);
  const s = res.body;
  // 9 units × $100 + 4.375 kg × $2000; at price 9 × $150 + 4.375 × $3000.
  t.deepEqual(s.inventory, { atCost: '9650.00', atPrice: '14475.00', productsWithoutCost: 0, productsWithoutPrice: 0 });
  t.deepEqual(s.sold.today, { units: '2', kg: '0.125', liters: '0', amount: '675.00' });
  t.deepEqual(s.sold.last7Days, { units: '5', kg: '0.125', liters: '0', amount: '1125.00' });
  t.is(s.belowReorderPoint, 1);
  t.is(s.invoicesNeedingReview, 0);
  t.deepEqual(s.costAlerts, { last7Days: 0, sellingAtLoss: 0 });
  t.is(s.timeZone, 'America/Argentina/Buenos_Aires');
  t.is(s.dailySales.length, 30);
  const todayBa = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Argentina/Buenos_Aires' }).format(new Date());
  t.is(s.dailySales.at(-1).day, todayBa);
  t.deepEqual(
    s.dailySales.filter((d: { units: string; kg: string }) => d.units !== '0' || d.kg !== '0').map((d: { units: string }) => d.units),
    ['1', '3', '2'],
  );
  t.is(s.queues.length, 5);
  t.true(s.queues.every((q: { reachable: boolean; failed: number }) => q.reachable && q.failed === 0));
});

test.serial('the kardex lists a product\'s ledger newest first with the running balance per location, filtered and paginated', async (t) => {
  const db = sys.database.db;
  const salon = await newLocation(db);
  const deposito = await newLocation(db);
  const p = await newProduct(db);
  await applyMovement(db, { type: 'receipt', productId: p.id, locationId: salon.id, quantity: '10', unitCostCents: 12_345, occurredAt: daysAgo(4) });
  await applyMovement(db, { type: 'transfer', productId: p.id, locationId: salon.id, toLocationId: deposito.id, quantity: '4', occurredAt: daysAgo(3) });
  await applyMovement(db, { type: 'sale', productId: p.id, locationId: salon.id, quantity: '1', occurredAt: daysAgo(2) });
  await applyMovement(db, { type: 'adjustment', productId: p.id, locationId: deposito.id, quantity: '-1', reason: 'rotura' });

  const all = await sys.http(`/v1/products/${p.sku}/kardex`);
  t.is(all.status, 200);
  const rows = all.body.items.map((r: any) => [r.type, r.location, r.quantity, r.balanceAfter, r.counterpartLocation]);
  t.deepEqual(rows, [
    ['adjustment', deposito.code, '-1', '3', null],
    ['sale', salon.code, '-1', '5', null],
    ['transfer', deposito.code, '4', '4', salon.code],
    ['transfer', salon.code, '-4', '6', deposito.code],
    ['receipt', salon.code, '10', '10', null],
  ]);
  t.is(all.body.items[4].unitCost, '123.45');
  t.is(all.body.items[0].reason, 'rotura');
  t.is(all.body.nextCursor, null);

  const first = await sys.http(`/v1/products/${p.sku}/kardex?limit=2`);
  const second = await sys.http(`/v1/products/${p.sku}/kardex?limit=2&cursor=${first.body.nextCursor}`);
  t.deepEqual([...first.body.items, ...second.body.items].map((r: any) => r.ledgerId), all.body.items.slice(0, 4).map((r: any) => r.ledgerId));

  const sales = await sys.http(`/v1/products/${p.sku}/kardex?type=sale`);
  t.deepEqual(sales.body.items.map((r: any) => r.balanceAfter), ['5'], 'the balance counts rows the filter hides');
  const dep = await sys.http(`/v1/products/${p.sku}/kardex?location=${deposito.code.toLowerCase()}`);
  t.deepEqual(dep.body.items.map((r: any) => r.balanceAfter), ['3', '4']);
  const day = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Argentina/Buenos_Aires' }).format(d);
  const window = await sys.http(`/v1/products/${p.sku}/kardex?from=${day(daysAgo(3))}&to=${day(daysAgo(2))}`);
  t.deepEqual(window.body.items.map((r: any) => r.type), ['sale', 'transfer', 'transfer']);

  t.is((await sys.http('/v1/products/NOPE-404/kardex')).status, 404);
  const bad = await sys.http(`/v1/products/${p.sku}/kardex?from=yesterday`);
  t.is(bad.status, 400);
  t.is(bad.body.errors[0].path, 'from');
});

test.serial('the stock history has one closing balance per shop day and location', async (t) => {
  const db = sys.database.db;
  const salon = await newLocation(db);
  const deposito = await newLocation(db);
  const p = await newProduct(db, { unit: 'kg' });
  await applyMovement(db, { type: 'receipt', productId: p.id, locationId: salon.id, quantity: '10', occurredAt: daysAgo(5) });
  await applyMovement(db, { type: 'receipt', productId: p.id, locationId: deposito.id, quantity: '2.5', occurredAt: daysAgo(5) });
  await applyMovement(db, { type: 'sale', productId: p.id, locationId: salon.id, quantity: '3.25', occurredAt: daysAgo(2) });
  const res = await sys.http(`/v1/products/${p.sku}/stock-history?days=7`);
  t.is(res.status, 200);
  t.is(res.body.unit, 'kg');
  t.deepEqual(res.body.locations, [salon.code, deposito.code].sort());
  t.deepEqual(res.body.points.map((x: { total: string }) => x.total), ['0', '12.5', '12.5', '12.5', '9.25', '9.25', '9.25']);
  t.deepEqual(res.body.points.at(-1).byLocation, { [salon.code]: '6.75', [deposito.code]: '2.5' });
  t.is((await sys.http(`/v1/products/${p.sku}/stock-history?days=0`)).status, 400);
});

test.serial('product search answers prefixes first, ignores accents and case, and lists stock per location, price, cost and margin', async (t) => {
  const db = sys.database.db;
  const salon = await newLocation(db);
  const mk = async (sku: string, name: string, barcode: string | null) => {
    const p = await newProduct(db, { sku });
    await db.updateTable('products').set({ name, barcode }).where('id', '=', p.id).execute();
    return p;
  };
  const sugar = await mk('AZU-1KG', 'Azúcar Marca A 1 kg', '7790150000015');
  await mk('MER-DUL', 'Mermelada light sin azúcar', '7790150000022');
  await mk('LEC-ENT', 'Leche Entera Marca Única 1 l', '7790742000013');
  await mk('GAL-AZU', 'Galletitas con AZUCAR negra', null);
  await setPrice(sugar.id, 80_000, 129_900);
  await applyMovement(db, { type: 'receipt', productId: sugar.id, locationId: salon.id, quantity: '12' });

  const names = async (q: string) => (await sys.http(`/v1/products?q=${encodeURIComponent(q)}`)).body.items.map((p: { name: string }) => p.name);
  t.deepEqual(await names('azucar'), ['Azúcar Marca A 1 kg', 'Galletitas con AZUCAR negra', 'Mermelada light sin azúcar']);
  t.deepEqual(await names('AZÚ'), ['Azúcar Marca A 1 kg', 'Galletitas con AZUCAR negra', 'Mermelada light sin azúcar']);
  t.deepEqual(await names('Az'), ['Azúcar Marca A 1 kg'], 'the first keystrokes match name prefixes only');
  t.deepEqual(await names('leche ent'), ['Leche Entera Marca Única 1 l']);
  t.deepEqual(await names('unica'), ['Leche Entera Marca Única 1 l']);
  t.deepEqual(await names('7790150000022'), ['Mermelada light sin azúcar'], 'a scanned barcode finds its product');
  t.deepEqual(await names('779015'), ['Azúcar Marca A 1 kg', 'Mermelada light sin azúcar'], 'barcode prefix');
  t.deepEqual((await names('gal-azu'))[0], 'Galletitas con AZUCAR negra', 'SKU prefix, any case');
  t.deepEqual(await names('50%'), [], 'LIKE wildcards are taken literally');

  const row = (await sys.http('/v1/products?q=azucar marca a')).body.items[0];
  t.like(row, { sku: 'AZU-1KG', onHand: '12', price: '1299.00', replacementCost: '800.00', belowReorderPoint: false });
  t.deepEqual(row.stock, [{ location: salon.code, quantity: '12' }]);
  t.truthy(row.marginPct);

  const page1 = await sys.http('/v1/products?q=azucar&limit=2');
  t.is(page1.body.items.length, 2);
  const page2 = await sys.http(`/v1/products?q=azucar&limit=2&cursor=${page1.body.nextCursor}`);
  t.deepEqual(page2.body.items.map((p: { name: string }) => p.name), ['Mermelada light sin azúcar']);
  t.is(page2.body.nextCursor, null);
  const located = await sys.http(`/v1/products?location=${salon.code}&limit=500`);
  t.true(located.body.items.every((p: { stock: { location: string }[] }) => p.stock.some((s) => s.location === salon.code)));
});
