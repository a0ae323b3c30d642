import test from 'ava';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';
import { taxBreakdown } from '../../../src/shared/domain/pricing/price.js';
import { formatMoney } from '../../../src/shared/domain/quantity.js';
import { uniq, waitForJob } from './pricing-helpers.js';

let sys: TestSystem;
test.before(async () => {
  sys = await startTestSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.database.db;

async function product(category: string, fields: { name?: string; unit?: 'unit' | 'kg' | 'l'; cost: number; iva?: string; internal?: string; content?: [string, 'kg' | 'l'] | null; price?: number | null }) {
  const sku = uniq('SKU').toUpperCase();
  await db()
    .insertInto('products')
    .values({
      sku,
      name: fields.name ?? `Producto ${sku}`,
      category,
      unit: fields.unit ?? 'unit',
      replacement_cost_cents: fields.cost,
      iva_rate_pct: fields.iva ?? '21',
      internal_tax_pct: fields.internal ?? '0',
      net_content: fields.content?.[0] ?? null,
      net_content_unit: fields.content?.[1] ?? null,
      price_cents: fields.price ?? null,
    })
    .execute();
  return sku;
}

async function runCategory(category: string, extra: Record<string, unknown> = {}) {
  const res = await sys.http('/v1/prices/recalculate', { method: 'POST', json: { category, reason: 'etiquetas', ...extra } });
  t_assert(res.status === 202, `recalculate answered ${res.status}`);
  await waitForJob(sys, res.body.job.queue, res.body.job.id);
  return (await sys.http(`/v1/price-runs/${res.body.run.id}`)).body;
}
function t_assert(ok: boolean, message: string): asserts ok {
  if (!ok) throw new Error(message);
}

test('labels carry the final price, the price without national taxes, taxes contained and the price per kg or litre, in JSON and CSV', async (t) => {
  const category = uniq('labels');
  const soda = await product(category, { name: 'Gaseosa cola 2,25 l, "retornable"', cost: 150_000, iva: '21', internal: '8', content: ['2.25', 'l'] });
  const ham = await product(category, { name: 'Jamón cocido', unit: 'kg', cost: 1_400_000, iva: '21' });
  const loose = await product(category, { name: 'Papa', unit: 'kg', cost: 70_000, iva: '10.5' });
  const run = await runCategory(category);
  t.is(run.productsChanged, 3);

  const batch = (await sys.http(`/v1/label-batches/${run.labelBatchId}`)).body;
  t.like(batch, { id: run.labelBatchId, runId: run.id, productCount: 3, reason: 'etiquetas' });
  const bySku = new Map(batch.items.map((i: { sku: string }) => [i.sku, i]));
  const sodaLabel = bySku.get(soda) as Record<string, string>;
  const price = Math.round(Number(sodaLabel.price) * 100);
  const taxes = taxBreakdown(price, 2100, 800);
  t.like(sodaLabel, {
    priceWithoutNationalTaxes: formatMoney(taxes.withoutNationalTaxesCents),
    ivaContained: formatMoney(taxes.ivaCents),
    internalTaxesContained: formatMoney(taxes.internalTaxesCents),
    unitPrice: formatMoney(Math.round((price * 1000) / 2250)),
    unitPricePer: 'l',
  });
  t.is(Number(sodaLabel.priceWithoutNationalTaxes) + Number(sodaLabel.ivaContained) + Number(sodaLabel.internalTaxesContained), Number(sodaLabel.price));
  t.true(Number(sodaLabel.priceWithoutNationalTaxes) < Number(sodaLabel.price));
  t.like(bySku.get(ham), { unitPricePer: 'kg', unitPrice: (bySku.get(ham) as { price: string }).price });
  t.like(bySku.get(loose), { unitPricePer: 'kg' });

  const csv = await sys.http(`/v1/label-batches/${run.labelBatchId}?format=csv`);
  t.is(csv.status, 200);
  t.regex(csv.headers.get('content-type')!, /^text\/csv/);
  const lines = (csv.body as string).trim().split('\r\n');
  t.is(lines[0], 'sku,barcode,name,unit,price,price_without_national_taxes,iva_contained,internal_taxes_contained,unit_price,unit_price_per,previous_price');
  t.is(lines.length, 4);
  const sodaLine = lines.find((l) => l.startsWith(`${soda},`))!;
  t.is(sodaLine, `${soda},,"Gaseosa cola 2,25 l, ""retornable""",unit,${sodaLabel.price},${sodaLabel.priceWithoutNationalTaxes},${sodaLabel.ivaContained},${sodaLabel.internalTaxesContained},${sodaLabel.unitPrice},l,`);
  const viaAccept = await sys.http(`/v1/label-batches/${run.labelBatchId}`, { headers: { accept: 'text/csv' } });
  t.is(viaAccept.body, csv.body);

  const list = await sys.http('/v1/label-batches?limit=200');
  t.true(list.body.items.some((b: { id: number }) => b.id === run.labelBatchId));
  t.is((await sys.http('/v1/label-batches/999999')).status, 404);
});

test('a run that changes nothing still produces an (empty) label batch', async (t) => {
  const category = uniq('same');
  await product(category, { cost: 100_000 });
  await runCategory(category);
  const second = await runCategory(category);
  t.like(second, { status: 'completed', productsChanged: 0, productsExamined: 1 });
  const batch = (await sys.http(`/v1/label-batches/${second.labelBatchId}`)).body;
  t.is(batch.productCount, 0);
  t.deepEqual(batch.items, []);
});

test('a new replacement cost records an alert by band, flags a loss, and shows in the list and the metrics', async (t) => {
  const category = uniq('alerts');
  const sku = await product(category, { cost: 100_000, iva: '21', price: 150_000 });
  const small = await sys.http(`/v1/prices/${sku}`, { method: 'PATCH', json: { replacementCost: '1030' } });
  t.is(small.status, 200);
  t.is(small.body.costAlert, null);
  const jump = await sys.http(`/v1/prices/${sku}`, { method: 'PATCH', json: { replacementCost: 1200, source: 'lista proveedor' } });
  t.like(jump.body, { replacementCost: '1200.00', costAlert: { bandPct: 15, sellingAtLoss: false } });
  // $1500 with 21 % IVA is $1239.67 net: a cost of $1300 loses money on every sale.
  const loss = await sys.http(`/v1/prices/${sku}`, { method: 'PATCH', json: { replacementCost: '1300' } });
  t.like(loss.body, { costAlert: { bandPct: 5, sellingAtLoss: true }, belowMinimumMargin: true });

  const alerts = (await sys.http(`/v1/cost-alerts?sku=${sku}`)).body.items;
  t.deepEqual(alerts.map((a: { bandPct: number; sellingAtLoss: boolean; previousCost: string; newCost: string }) => [a.bandPct, a.sellingAtLoss, a.previousCost, a.newCost]), [
    [5, true, '1200.00', '1300.00'],
    [15, false, '1030.00', '1200.00'],
  ]);
  t.is(alerts[1].changePct, '16.5');
  t.is(alerts[1].source, 'lista proveedor');
  const band15 = (await sys.http('/v1/cost-alerts?band=15')).body.items;
  t.true(band15.every((a: { bandPct: number }) => a.bandPct === 15));
  const metrics = (await sys.http('/metrics')).body as string;
  t.regex(metrics, /gondola_cost_alerts_recorded\{band="15"\} [1-9]/);
  t.regex(metrics, /gondola_products_selling_at_loss [1-9]/);

  const margins = (await sys.http(`/v1/margins?category=${category}&belowMinimum=true`)).body;
  t.deepEqual(margins.items.map((m: { sku: string }) => m.sku), [sku]);
  t.like(margins.categories[0], { category, products: 1, belowMinimum: 1 });
  t.true(Number(margins.items[0].marginPct) < 0);

  // Repricing restores the margin.
  const repriced = await sys.http(`/v1/prices/${sku}`, { method: 'PATCH', json: { ivaRate: 21, reprice: true } });
  t.truthy(repriced.body.repricing);
  const job = await waitForJob(sys, 'price-recalculations', `reprice-${repriced.body.repricing.runId}`);
  t.is(job.state, 'completed');
  const after = (await sys.http(`/v1/prices/${sku}`)).body;
  t.false(after.belowMinimumMargin);
  t.is((await sys.http(`/v1/margins?category=${category}&belowMinimum=true`)).body.items.length, 0);
});

test('pricing rules: invalid input is a 400 per field, a valid rule is stored, the default cannot be deleted', async (t) => {
  const bad = await sys.http('/v1/pricing-rules/bebidas', { method: 'PUT', json: { markupPct: -1, minMarginPct: 100, roundingStep: '10', ending: '10' } });
  t.is(bad.status, 400);
  t.deepEqual(bad.body.errors.map((e: { path: string }) => e.path), ['markupPct', 'minMarginPct']);
  const ending = await sys.http('/v1/pricing-rules/bebidas', { method: 'PUT', json: { markupPct: 40, minMarginPct: 20, roundingStep: '10', ending: '10' } });
  t.is(ending.status, 400);
  t.deepEqual(ending.body.errors, [{ path: 'ending', message: 'ending must be below roundingStep' }]);
  const ok = await sys.http('/v1/pricing-rules/Bebidas', { method: 'PUT', json: { markupPct: '40', minMarginPct: 22, roundingStep: 10, ending: 9, maxChangePct: 25 } });
  t.is(ok.status, 200);
  t.like(ok.body, { category: 'bebidas', markupPct: '40', minMarginPct: '22', roundingStep: '10.00', ending: '9.00', maxChangePct: '25', priceAheadDays: null });
  const rules = (await sys.http('/v1/pricing-rules')).body.items;
  t.true(rules.some((r: { category: string; isDefault: boolean }) => r.category === 'default' && r.isDefault));
  t.is((await sys.http('/v1/pricing-rules/default', { method: 'DELETE' })).status, 422);
  t.is((await sys.http('/v1/pricing-rules/bebidas', { method: 'DELETE' })).status, 204);
  t.is((await sys.http('/v1/pricing-rules/bebidas', { method: 'DELETE' })).status, 404);
});

test('a product pricing view and its history answer 404 for an unknown sku', async (t) => {
  t.is((await sys.http('/v1/prices/NO-SUCH')).status, 404);
  t.is((await sys.http('/v1/prices/NO-SUCH/history')).status, 404);
  t.is((await sys.http('/v1/jobs/no-queue/1')).status, 404);
  t.is((await sys.http('/v1/jobs/price-recalculations/nope')).status, 404);
});
