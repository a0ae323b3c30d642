import test from 'ava';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';
import { newApiKey } from '../../helpers/factories.js';
import { insertPricedProducts, waitForJob } from '../pricing/pricing-helpers.js';
import { openPdf } from '../../../src/workers/processors/invoice-ingest/pdf.js';

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

/** The PDF's bytes (fetched raw: sys.http reads text). */
async function pdfOf(path: string) {
  const res = await fetch(`${sys.baseUrl}${path}`, { headers: { authorization: `Bearer ${viewerKey}` } });
  return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), bytes: new Uint8Array(await res.arrayBuffer()) };
}

/** Each page's size in millimetres and its text (items joined by spaces), read back by pdf.js. */
async function readPdf(bytes: Uint8Array) {
  const doc = await openPdf(bytes);
  const pages: { widthMm: number; heightMm: number; text: string; images: number }[] = [];
  for (let p = 1; p <= doc.numPages; p++) {
    const page = await doc.getPage(p);
    const [x0, y0, x1, y1] = page.view as [number, number, number, number];
    const content = await page.getTextContent();
    const ops = await page.getOperatorList();
    // 85 = paintImageXObject in pdf.js's OPS table: the barcode is drawn as an image.
    const images = ops.fnArray.filter((f: number) => f === 85).length;
    pages.push({ widthMm: ((x1 - x0) * 25.4) / 72, heightMm: ((y1 - y0) * 25.4) / 72, text: content.items.map((i) => ('str' in i ? i.str : '')).join(' '), images });
  }
  await doc.destroy();
  return pages;
}

const money = (v: string) => `$ ${new Intl.NumberFormat('es-AR', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(Number(v))}`;

test.serial('labels as a PDF: the same prices, per-kg/litre price and barcode on an A4 sheet (3 × 7 per page) or one 58 mm / 80 mm thermal label per page', async (t) => {
  // The batch of the first test's repricing (three labels: per litre, per kg, no barcode).
  const batches = (await sys.http('/v1/label-batches')).body;
  const run = { labelBatchId: batches.items.find((b: { reason: string }) => b.reason === 'etiquetas nuevas').id as number };
  const json = (await sys.http(`/v1/labels?batch=${run.labelBatchId}`)).body;
  t.true(json.items.length >= 3);

  for (const [format, width, height] of [['58', 58, 40], ['80', 80, 45]] as const) {
    const pdf = await pdfOf(`/v1/labels/pdf?batch=${run.labelBatchId}&format=${format}`);
    t.is(pdf.status, 200);
    t.is(pdf.type, 'application/pdf');
    t.regex(pdf.disposition ?? '', new RegExp(`attachment; filename="etiquetas-lote-${run.labelBatchId}-${format}\\.pdf"`));
    const pages = await readPdf(pdf.bytes);
    t.is(pages.length, json.items.length, `${format} mm: one label per page`);
    for (const [i, page] of pages.entries()) {
      const label = json.items[i];
      t.true(Math.abs(page.widthMm - width) < 0.1 && Math.abs(page.heightMm - height) < 0.1, `${format} mm page is ${page.widthMm}×${page.heightMm} mm`);
      t.true(page.text.includes(label.name), `${format}: name of ${label.sku} in «${page.text}»`);
      t.true(page.text.includes(money(label.price)), `${format}: price ${money(label.price)} in «${page.text}»`);
      t.true(page.text.includes(`Precio sin impuestos nacionales: ${money(label.priceWithoutNationalTaxes)}`), `${format}: price without national taxes in «${page.text}»`);
      if (label.unitPricePer) t.true(page.text.includes(`Precio por ${label.unitPricePer === 'kg' ? 'kilo' : 'litro'}: ${money(label.unitPrice)}`), `${format}: unit price in «${page.text}»`);
      t.is(page.images, label.barcode ? 1 : 0, `${format}: barcode of ${label.sku}`);
    }
  }

  // Products picked by hand, enough for two A4 pages; accents and the peso sign survive.
  const ids = await insertPricedProducts(sys.database.db, { category: 'hoja', count: 25, price: (i) => 100_000 + i * 1234 });
  const skus = (await sys.database.db.selectFrom('products').select('sku').where('id', 'in', ids).orderBy('id').execute()).map((r) => r.sku);
  await sys.database.db.updateTable('products').set({ name: 'Ñoquis de papá 500 g' }).where('id', '=', ids[0]!).execute();
  const a4 = await pdfOf(`/v1/labels/pdf?skus=${skus.join(',')}&format=a4`);
  t.is(a4.status, 200);
  const sheet = await readPdf(a4.bytes);
  t.is(sheet.length, 2, '25 labels: 21 on the first A4 page, 4 on the second');
  t.true(Math.abs(sheet[0]!.widthMm - 210) < 0.1 && Math.abs(sheet[0]!.heightMm - 297) < 0.1);
  t.true(sheet[0]!.text.includes('Ñoquis de papá 500 g'), sheet[0]!.text.slice(0, 200));
  t.true(sheet[0]!.text.includes(money('1000.00')));
  t.true(sheet[1]!.text.includes(money(String((100_000 + 24 * 1234) / 100))));
  t.is((sheet[1]!.text.match(/Precio sin impuestos nacionales/g) ?? []).length, 4);

  // Bad requests say what to fix and write nothing.
  t.is((await pdfOf('/v1/labels/pdf?batch=999999')).status, 404);
  t.is((await pdfOf(`/v1/labels/pdf?batch=${run.labelBatchId}&format=a5`)).status, 400);
  t.is((await pdfOf('/v1/labels/pdf')).status, 400);
  const unpriced = await sys.http('/v1/labels/pdf?skus=ETQ-SINPRECIO');
  t.is(unpriced.status, 422);
  t.is(unpriced.body.code, 'no_priced_products');
});
