/**
 * Facturas in a real Chromium: a generated phone photo of an invoice uploaded, read by the real
 * worker (OCR) while the list follows it, and reviewed (a field corrected, a line re-matched).
 */
import test from 'ava';
import { photoOptions, renderPhoto } from '../../helpers/invoice-corpus/render.js';
import { makeInvoiceSpec } from '../../helpers/invoice-corpus/spec.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkA11y, hasHorizontalScroll, screenshot, signIn, startBrowserApp, type BrowserApp } from '../../helpers/browser.js';
import { seedCatalog } from '../../integration/invoice/invoice-helpers.js';

let app: BrowserApp;
const spec = makeInvoiceSpec(502, { letter: 'C', layout: 'distribuidora', font: 'dejavu-sans', qr: false, lineCount: 3 });

test.before(async () => {
  app = await startBrowserApp({ env: { WORKER_QUEUES: 'invoice-ingest,price-recalculations,stock-movements', OCR_POOL_SIZE: '1', INVOICE_AUTO_POST_CONFIDENCE: '1.01' } });
  await seedCatalog(app.system.database.db);
});
test.after.always(async () => {
  await app?.close();
});

test.serial('a phone photo is uploaded, reviewed (field corrected, line re-matched) ; the correction and the manual match are saved', async (t) => {
  const page = await app.newPage();
  await signIn(page, app.users.negocio);
  await page.goto('/facturas');
  const dir = path.resolve('test/artifacts');
  mkdirSync(dir, { recursive: true });
  const photo = path.join(dir, 'factura-foto.jpg');
  writeFileSync(photo, await renderPhoto(spec, photoOptions(502), 502));
  t.is(await page.getByLabel('Foto de la factura').getAttribute('capture'), 'environment');
  await page.getByLabel('Archivos de facturas').setInputFiles(photo);
  await page.getByText('factura-foto.jpg: recibida, leyendo…').waitFor();
  // The list follows the reading by itself (no reload).
  const row = page.getByRole('row').filter({ hasText: /Para revisar|Lista para cargar/ }).first();
  await row.waitFor({ timeout: 180_000 });
  await screenshot(page, 'facturas');
  t.deepEqual(await checkA11y(page), []);
  await row.click();

  await page.getByRole('heading', { name: 'Revisar factura' }).waitFor();
  await page.getByRole('img', { name: 'Foto original de la factura' }).waitFor();
  await page.getByRole('button', { name: 'Girar el original' }).click();
  t.true((await page.getByText(/Lectura de la foto/).count()) > 0, 'fields say they come from OCR');
  await page.getByLabel('CAE', { exact: true }).fill('12345678901234');
  const line = spec.lines[0]!.product;
  await page.getByRole('button', { name: 'Cambiar el producto de la línea 1' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Buscar por nombre, SKU o código de barras').fill(line.name);
  await dialog.getByRole('option', { name: new RegExp(line.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) }).first().click();
  await page.getByRole('button', { name: 'Guardar correcciones' }).click();
  await page.getByText('Corregido a mano').first().waitFor().catch(async (err) => {
    await screenshot(page, 'factura-error-al-guardar');
    throw err;
  });
  await screenshot(page, 'factura-revision');
  t.deepEqual(await checkA11y(page), []);
  const lineRow = await app.system.database.db.selectFrom('invoice_lines').select(['match_by']).where('line_no', '=', 1).executeTakeFirstOrThrow();
  t.is(lineRow.match_by, 'manual');

  // Posting receives stock, so it is offered to the depósito, not to this negocio user; negocio may
  // approve the costs (the step a depósito needs when costs move past the band), and the API agrees.
  t.is(await page.getByRole('button', { name: 'Cargar factura' }).count(), 0);
  await page.getByText('La carga al stock la hace un usuario de Depósito.').waitFor();
  await page.getByRole('button', { name: 'Aprobar costos' }).click();
  await page.getByText('Costos aprobados').waitFor();
  const approved = await app.system.database.db.selectFrom('invoices').select(['prices_approved_at']).executeTakeFirstOrThrow();
  t.truthy(approved.prices_approved_at, 'the approval is recorded');

  const phone = await app.newPage({ viewport: { width: 360, height: 740 } });
  await signIn(phone, app.users.negocio);
  await phone.goto(page.url());
  await phone.getByRole('heading', { name: 'Revisar factura' }).waitFor();
  await phone.getByText('Corregido a mano').first().waitFor();
  t.false(await hasHorizontalScroll(phone));
  await screenshot(phone, 'factura-telefono');
});
