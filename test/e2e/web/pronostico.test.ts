/**
 * Pronóstico y reposición in a real Chromium: the forecast chart with its p90 band, reorder
 * suggestions with their reasons, selected lines → a purchase order per supplier → CSV → ordered.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { checkA11y, hasHorizontalScroll, screenshot, signIn, startBrowserApp, type BrowserApp } from '../../helpers/browser.js';
import { newLocation, newProduct } from '../../helpers/factories.js';

let app: BrowserApp;
const END = '2025-08-31';

test.before(async () => {
  app = await startBrowserApp({ workers: false });
  const db = app.system.database.db;
  const loc = await newLocation(db, 'SALON');
  const products = [];
  for (const [i, supplier] of ['PROV-LACTEOS', 'PROV-LACTEOS', 'PROV-BEBIDAS'].entries()) {
    const p = await newProduct(db, { sku: `PR-${i}` });
    await db.updateTable('products').set({ name: ['Leche entera 1 l', 'Yogur bebible 1 l', 'Agua mineral 2 l'][i]!, supplier_code: supplier, replacement_cost_cents: 90_000 + i * 10_000 }).where('id', '=', p.id).execute();
    products.push(p);
  }
  // What a forecast run writes: a model version, 14 days of forecasts, the daily sales behind them and the suggestions.
  await db
    .insertInto('model_versions')
    .values({
      version: 'web-model', trained_from: '2025-01-01', trained_through: END, training_rows: 100, training_ms: 10, feature_names: ['dow'],
      validation: JSON.stringify({ overall: {}, byClass: {} }), serving_plan: JSON.stringify({}), model: JSON.stringify({}), onnx: Buffer.from([1]), onnx_sha256: 'x', active: true, activation_reason: 'test',
    })
    .execute();
  for (const p of products) {
    await db
      .insertInto('daily_sales')
      .values(Array.from({ length: 28 }, (_, d) => ({ product_id: p.id, location_id: loc.id, day: new Date(Date.UTC(2025, 7, 4 + d)).toISOString().slice(0, 10), quantity: String(3 + (d % 7)) })))
      .execute();
    await db
      .insertInto('forecasts')
      .values(Array.from({ length: 14 }, (_, h) => ({ model_version: 'web-model', product_id: p.id, location_id: loc.id, day: new Date(Date.UTC(2025, 8, 1 + h)).toISOString().slice(0, 10), origin_day: END, horizon: h + 1, method: 'gbt', product_class: 'smooth', mean: '5', p50: '5', p90: '9' })))
      .execute();
    await db
      .insertInto('reorder_suggestions')
      .values({ product_id: p.id, location_id: loc.id, origin_day: END, model_version: 'web-model', supplier_code: (await db.selectFrom('products').select('supplier_code').where('id', '=', p.id).executeTakeFirstOrThrow()).supplier_code, demand: '45', safety_stock: '8', on_hand: '10', on_order: '0', pack_size: '12', packs: 4, quantity: '48' })
      .execute();
  }
});
test.after.always(async () => {
  await app?.close();
});

test.serial('the forecast chart draws the p50 line with its p90 band; suggestions say why', async (t) => {
  const page = await app.newPage();
  await signIn(page, app.users.negocio);
  await page.goto('/pronostico');
  const chart = page.getByRole('img', { name: /pronóstico de 14 días con banda/ });
  await chart.waitFor();
  t.true((await chart.locator('.forecast-band path').count()) > 0, 'the band is drawn');
  t.true((await chart.locator('.recharts-line path').count()) >= 2, 'sales and p50 lines are drawn');
  await page.getByText(/Para 2 días de entrega \+ 7 hasta el próximo pedido se esperan 45 u, más 8 u de stock de seguridad; hay 10 u y 0 u pedidos\. Se redondea a 4 bultos de 12\./).first().waitFor();
  await screenshot(page, 'pronostico');
  t.deepEqual(await checkA11y(page), []);

  const phone = await app.newPage({ viewport: { width: 360, height: 740 } });
  await signIn(phone, app.users.negocio);
  await phone.goto('/pronostico');
  await phone.getByRole('img', { name: /pronóstico de 14 días/ }).waitFor();
  t.false(await hasHorizontalScroll(phone));
  await screenshot(phone, 'pronostico-telefono');
});

test.serial('selected lines become a purchase order per supplier, exported to CSV and marked ordered', async (t) => {
  const page = await app.newPage();
  await signIn(page, app.users.negocio);
  await page.goto('/pronostico');
  await page.getByLabel('Pedir Leche entera 1 l').check();
  await page.getByLabel('Pedir Agua mineral 2 l').check();
  await page.getByRole('button', { name: 'Crear pedidos con 2 líneas' }).click();
  await page.getByRole('status').filter({ hasText: '2 pedidos en borrador' }).waitFor();
  const rows = page.getByRole('button', { name: /^PROV-/ });
  await rows.first().waitFor();
  t.is(await rows.count(), 2);

  await page.getByRole('button', { name: /^PROV-LACTEOS/ }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('Leche entera 1 l').waitFor();
  t.is(await dialog.getByText('Yogur bebible 1 l').count(), 0, 'only the selected line');
  await dialog.getByText(/Total estimado \$ 43\.200,00/).waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Exportar CSV' }).click()]);
  const csv = readFileSync((await download.path())!, 'utf8');
  t.true(csv.startsWith('\uFEFF'), 'UTF-8 with BOM for Excel');
  t.regex(csv, /PR-0;;Leche entera 1 l;4;12;48;900,00;43200,00/);
  await screenshot(page, 'pronostico-pedido');

  await dialog.getByRole('button', { name: 'Marcar como pedido' }).click();
  await dialog.getByRole('button', { name: 'Sí, marcar como pedido' }).click();
  await dialog.getByText(/Pedido por .+ el \d\d\/\d\d\/\d{4}/).waitFor();
  t.is(await dialog.getByRole('button', { name: 'Marcar como pedido' }).count(), 0);
  const row = await app.system.database.db.selectFrom('purchase_order_drafts').select(['status', 'ordered_by']).where('supplier_code', '=', 'PROV-LACTEOS').executeTakeFirstOrThrow();
  t.is(row.status, 'ordered');
  t.regex(row.ordered_by ?? '', /\(user:\d+\)$/);
  t.deepEqual(await checkA11y(page), []);
});
