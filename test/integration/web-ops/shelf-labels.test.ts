import test from 'ava';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';
import { newApiKey } from '../../helpers/factories.js';
import { waitForJob } from '../pricing/pricing-helpers.js';

let sys: TestSystem;
let viewerKey: string;

test.before(async () => {
  sys = await startTestSystem({ env: { WORKER_QUEUES: 'price-recalculations' } });
  const db = sys.database.db;
  await db
    .insertInto('products')
    .values([
      { sku: 'ETQ-GASEOSA', barcode: '7790070410139', name: 'Gaseosa cola 2,25 l', category: 'etiquetas', unit: 'unit', replacement_cost_cents: 150_000, iva_rate_pct: '21', internal_tax_pct: '8', net_content: '2.25', net_content_unit: 'l' },
      { sku: 'ETQ-JAMON', barcode: 'JAM-01', name: 'Jamón cocido', category: 'etiquetas', unit: 'kg', replacement_cost_cents: 1_400_000, iva_rate_pct: '21', internal_tax_pct: '0' },
      { sku: 'ETQ-SINCOD', barcode: null, name: 'Pan del día', category: 'etiquetas', unit: 'kg', replacement_cost_cents: 200_000, iva_rate_pct: '10.5', internal_tax_pct: '0' },
      { sku: 'ETQ-SINPRECIO', barcode: null, name: 'Sin precio', category: 'otra', unit: 'unit', replacement_cost_cents: null, iva_rate_pct: '21', internal_tax_pct: '0' },
    ])
    .execute();
  viewerKey = await newApiKey(db, 'viewer');
});

test.after.always(async () => {
  await sys?.close();
});

test.serial('labels of a repricing batch carry prices, price per litre or kg, and an SVG barcode of the right kind', async (t) => {
  const res = await sys.http('/v1/prices/recalculate', { method: 'POST', json: { category: 'etiquetas', reason: 'etiquetas nuevas' } });
  t.is(res.status, 202);
  await waitForJob(sys, res.body.job.queue, res.body.job.id);
  const run = (await sys.http(`/v1/price-runs/${res.body.run.id}`)).body;
  const labels = await sys.http(`/v1/labels?batch=${run.labelBatchId}`, { key: viewerKey });
  t.is(labels.status, 200);
  t.like(labels.body.source, { kind: 'batch', batchId: run.labelBatchId, runId: run.id, reason: 'etiquetas nuevas' });
  t.is(labels.body.items.length, 3);
  const bySku = Object.fromEntries(labels.body.items.map((i: { sku: string }) => [i.sku, i]));
  const soda = bySku['ETQ-GASEOSA'];
  t.like(soda, { barcodeFormat: 'ean13', unitPricePer: 'l', previousPrice: null });
  t.regex(soda.barcodeSvg, /^<svg /);
  t.true(Number(soda.priceWithoutNationalTaxes) < Number(soda.price));
  // Price per litre: the price over 2,25 l, to the centavo.
  t.true(Math.abs(Number(soda.unitPrice) - Number(soda.price) / 2.25) <= 0.01, `${soda.unitPrice} vs ${soda.price}`);
  t.like(bySku['ETQ-JAMON'], { barcodeFormat: 'code128', unitPricePer: 'kg' });
  t.like(bySku['ETQ-SINCOD'], { barcodeFormat: null, barcodeSvg: null });

  t.is((await sys.http('/v1/labels?batch=999999')).status, 404);
  t.is((await sys.http('/v1/labels')).status, 400);
  t.is((await sys.http(`/v1/labels?batch=${run.labelBatchId}&skus=ETQ-JAMON`)).status, 400);
});

test.serial('labels of products picked by hand use today’s prices; unpriced ones are listed apart, unknown ones refused', async (t) => {
  const labels = await sys.http('/v1/labels?skus=ETQ-JAMON,ETQ-SINPRECIO', { key: viewerKey });
  t.is(labels.status, 200);
  t.deepEqual(labels.body.items.map((i: { sku: string }) => i.sku), ['ETQ-JAMON']);
  t.deepEqual(labels.body.unpriced, ['ETQ-SINPRECIO']);
  const price = (await sys.http('/v1/prices/ETQ-JAMON')).body;
  t.is(labels.body.items[0].price, price.price);
  const unknown = await sys.http('/v1/labels?skus=ETQ-JAMON,NOPE');
  t.is(unknown.status, 422);
  t.is(unknown.body.code, 'unknown_sku');
});
