/**
 * The whole invoice path in a real Chromium, as the depósito does it: a generated phone photo
 * uploaded and read by the real OCR worker while the list follows it (no reload), reviewed (a
 * field corrected, a line re-matched), posted through the confirmation dialog, and then seen in
 * the app: the receipts the posting made, the product's stock and cost on its page, and the cost
 * alert on Precios. One line's cost moves +10 % (inside the 15 % band: no approval, a 5 % alert);
 * another moves +30 %, past the band, so the depósito is told to wait for Negocio's approval and
 * can post only after it.
 */
import test from 'ava';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { photoOptions, renderPhoto } from '../../helpers/invoice-corpus/render.js';
import { makeInvoiceSpec } from '../../helpers/invoice-corpus/spec.js';
import { checkA11y, hasHorizontalScroll, screenshot, signIn, startBrowserApp, type BrowserApp } from '../../helpers/browser.js';
import { seedCatalog } from '../../integration/invoice/invoice-helpers.js';
import { eventually } from '../../helpers/wait.js';

let app: BrowserApp;
const SEED = 502;
const spec = makeInvoiceSpec(SEED, { letter: 'C', layout: 'distribuidora', font: 'dejavu-sans', qr: false, lineCount: 3 });
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** `$ 1.234,56` as the app writes money. */
const money = (cents: number) => `$ ${new Intl.NumberFormat('es-AR', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(cents / 100)}`;

test.before(async () => {
  app = await startBrowserApp({ env: { WORKER_QUEUES: 'invoice-ingest,price-recalculations,stock-movements', OCR_POOL_SIZE: '1', INVOICE_AUTO_POST_CONFIDENCE: '1.01', INVOICE_COST_BAND_PCT: '15' } });
  await seedCatalog(app.system.database.db);
});
test.after.always(async () => {
  await app?.close();
});

const shot = async (page: Page, name: string) => {
  await screenshot(page, name);
};

test.serial('depósito: photo → review (field corrected, line re-matched) → approval asked past the band → post → receipts, stock, cost and cost alert seen in the app', async (t) => {
  // The real OCR of a phone photo takes minutes on a loaded shared machine (a guard, not a goal).
  t.timeout(15 * 60_000);
  const db = app.system.database.db;
  const first = spec.lines[0]!.product;
  const second = spec.lines[1]!.product;
  const page = await app.newPage({ viewport: { width: 1366, height: 768 } });
  await signIn(page, app.users.deposito);
  await page.goto('/facturas');
  const dir = path.resolve('test/artifacts');
  mkdirSync(dir, { recursive: true });
  const photo = path.join(dir, 'carga-factura-foto.jpg');
  writeFileSync(photo, await renderPhoto(spec, photoOptions(SEED), SEED));
  await page.getByLabel('Archivos de facturas').setInputFiles(photo);
  await page.getByText('carga-factura-foto.jpg: recibida, leyendo…').waitFor();
  const row = page.getByRole('row').filter({ hasText: /Para revisar|Lista para cargar/ }).first();
  await row.waitFor({ timeout: 180_000 });
  await shot(page, 'carga-1-facturas-leida');

  // The shop's costs before this invoice: line 1's product 10 % cheaper than the invoice now says
  // (inside the band), line 2's 30 % cheaper (past it), line 3's as on the invoice. Prices well above.
  const lines = await db
    .selectFrom('invoice_lines')
    .select(['line_no', 'amount_cents', 'quantity', 'pack_units'])
    .orderBy('line_no')
    .execute();
  t.is(lines.length, spec.lines.length, 'every line was read');
  const newCost = (i: number) => Math.round(Number(lines[i]!.amount_cents) / (Number(lines[i]!.quantity) * lines[i]!.pack_units));
  const before = [Math.round(newCost(0) / 1.1), Math.round(newCost(1) / 1.3), newCost(2)];
  for (const [i, l] of spec.lines.entries()) {
    await db.updateTable('products').set({ replacement_cost_cents: before[i]!, price_cents: newCost(i) * 2 }).where('sku', '=', l.product.sku).execute();
  }

  // The product as it was: no stock, the old cost.
  await page.goto(`/productos/${encodeURIComponent(first.sku)}`);
  await page.getByText(`Costo ${money(before[0]!)}`).waitFor();
  await shot(page, 'carga-2-producto-antes');
  await page.goBack();

  await row.click();
  await page.getByRole('heading', { name: 'Revisar factura' }).waitFor();
  await page.getByRole('img', { name: 'Foto original de la factura' }).waitFor();
  await page.getByLabel('CAE', { exact: true }).fill('12345678901234');
  await page.getByRole('button', { name: 'Cambiar el producto de la línea 1' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Buscar por nombre, SKU o código de barras').fill(first.name);
  await dialog.getByRole('option', { name: new RegExp(escape(first.name)) }).first().click();
  await shot(page, 'carga-3-revision-corrigiendo');
  await page.getByRole('button', { name: 'Guardar correcciones' }).click();
  await page.getByText('Corregido a mano').first().waitFor();
  t.is((await db.selectFrom('invoice_lines').select('match_by').where('line_no', '=', 1).executeTakeFirstOrThrow()).match_by, 'manual');
  const saved = await db.selectFrom('invoices').select('fields').executeTakeFirstOrThrow();
  t.like(saved.fields as Record<string, unknown>, { cae: { value: '12345678901234', source: 'manual' } });

  // Line 2 moves its cost past the band: the depósito is told why it cannot post yet.
  const approvalBox = page.getByRole('alert').filter({ hasText: 'Costos que cambian más de 15 %' });
  await approvalBox.waitFor();
  t.regex(await approvalBox.innerText(), new RegExp(`Línea 2 \\(${escape(second.sku)}\\)[^\\n]*\\+30`));
  t.notRegex(await approvalBox.innerText(), /Línea 1 /, 'a +10 % change is inside the band');
  await page.getByText('un usuario de Negocio tiene que aprobar estos costos').waitFor();
  t.true(await page.getByRole('button', { name: 'Cargar factura' }).isDisabled());
  await shot(page, 'carga-4-revision-espera-aprobacion');
  t.deepEqual(await checkA11y(page), []);

  // Negocio approves.
  const negocio = await app.newPage({ viewport: { width: 360, height: 740 } });
  await signIn(negocio, app.users.negocio);
  await negocio.goto(page.url());
  await negocio.getByRole('button', { name: 'Aprobar costos' }).click();
  await negocio.getByText('Costos aprobados').waitFor();
  t.false(await hasHorizontalScroll(negocio));
  await shot(negocio, 'carga-5-negocio-aprueba-telefono');

  // The depósito posts: confirmation, then what changed.
  await page.reload();
  await page.getByText('Costos aprobados').waitFor();
  await page.getByRole('button', { name: 'Cargar factura' }).click();
  const confirm = page.getByRole('dialog', { name: '¿Cargar la factura?' });
  await confirm.waitFor();
  await shot(page, 'carga-6-confirmacion');
  await confirm.getByRole('button', { name: 'Sí, cargar' }).click();
  const result = page.getByText('Qué cambió al cargar la factura').locator('..');
  await result.waitFor({ timeout: 120_000 });
  await page.getByText(/Precios: \d+ actualizados/).waitFor({ timeout: 120_000 });
  await eventually(async () => (await page.getByText('aplicando…').count()) === 0, 'receipts applied in the page', 120_000);
  await page.getByText('Cargada', { exact: true }).waitFor();
  await shot(page, 'carga-7-resultado');
  t.deepEqual(await checkA11y(page), []);

  const received = await db
    .selectFrom('stock_levels as s')
    .innerJoin('products as p', 'p.id', 's.product_id')
    .select(['p.sku', 's.quantity'])
    .execute();
  const units = (sku: string) => Number(received.find((r) => r.sku === sku)?.quantity ?? 0);
  t.true(units(first.sku) > 0, 'stock received for line 1');
  const receiptRow = page.getByRole('row').filter({ has: page.getByRole('link', { name: first.name }) });
  t.regex(await receiptRow.innerText(), new RegExp(`${units(first.sku)} u`));
  t.regex(await page.getByText(new RegExp(`^${escape(first.name)}: \\$`)).innerText(), /\+10,0 %/);
  const alerts = page.getByText(/Alertas de costo \(\d+\)/).locator('..');
  t.regex(await alerts.innerText(), new RegExp(`${escape(first.name)}: \\+10,0 % \\(≥ 5 %\\)`));
  t.regex(await alerts.innerText(), new RegExp(`${escape(second.name)}: \\+30,0 % \\(≥ 25 %\\)`));

  // The product page: stock up from nothing, the new cost.
  await receiptRow.getByRole('link', { name: first.name }).click();
  await page.getByRole('heading', { name: first.name }).waitFor();
  await page.getByText(`Costo ${money(newCost(0))}`).waitFor();
  const stockCard = page.getByText('Stock total').locator('..');
  t.regex(await stockCard.innerText(), new RegExp(`${units(first.sku)} u`));
  await shot(page, 'carga-8-producto-despues');

  // Precios → Alertas de costo lists it with the 5 % tier.
  await page.goto('/precios');
  await page.getByRole('tab', { name: 'Alertas de costo' }).click();
  const alertRow = page.getByRole('row').filter({ has: page.getByRole('link', { name: first.name }) });
  await alertRow.waitFor();
  t.regex(await alertRow.innerText(), /≥ 5 %/);
  t.regex(await page.getByRole('row').filter({ has: page.getByRole('link', { name: second.name }) }).innerText(), /≥ 25 %/);
  await shot(page, 'carga-9-precios-alertas');
  t.deepEqual(await checkA11y(page), []);
});
