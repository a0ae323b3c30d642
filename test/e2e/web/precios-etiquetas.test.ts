/**
 * Precios → Etiquetas → Colas in a real Chromium against the real api, workers and database (demo
 * shop): a repricing run watched to 100 % with its summary, its labels one click away and printed,
 * and the queue page. Screenshots (desktop and 360 px) and the printed sheet go to test/artifacts/.
 */
import test from 'ava';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openPdf } from '../../../src/workers/processors/invoice-ingest/pdf.js';
import { ARTIFACTS_DIR, checkA11y, hasHorizontalScroll, screenshot, signIn, startBrowserApp, type BrowserApp } from '../../helpers/browser.js';

let app: BrowserApp;

test.before(async () => {
  app = await startBrowserApp({ demo: true, env: { WORKER_QUEUES: 'price-recalculations,stock-movements' } });
});
test.after.always(async () => {
  await app?.close();
});

test.serial('a repricing run shows its progress reaching 100 % and its summary; its labels print with price, price without taxes, unit price and barcode', async (t) => {
  const page = await app.newPage();
  await signIn(page, app.users.negocio);
  await page.goto('/precios');
  await page.getByRole('heading', { name: 'Precios' }).waitFor();
  // Raise the general rule's markup; the form's live example follows what is typed.
  await page.getByRole('tab', { name: 'Reglas' }).click();
  await page.getByRole('button', { name: 'Cambiar la regla Todas las demás (regla general)' }).click();
  const dialog = page.getByRole('dialog');
  const example = dialog.getByText(/Ejemplo: costo \$ 1\.000,00 → precio/);
  const before = await example.innerText();
  const markup = dialog.getByLabel('Recargo sobre el costo (%)');
  await markup.fill(String(Number((await markup.inputValue()).replace(',', '.')) + 10));
  await page.waitForFunction((b) => !(globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText.includes(b), before);
  t.regex(await example.innerText(), /precio \$ [\d.]+,\d\d/);
  await screenshot(page, 'precios-regla');
  await dialog.getByRole('button', { name: 'Guardar regla' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByRole('tab', { name: 'Recalcular' }).click();
  await page.getByLabel('Forzar: ignorar el cambio máximo por recálculo').check();
  await page.getByLabel('Motivo').fill('Lista nueva de prueba');
  await page.getByRole('button', { name: 'Recalcular precios' }).click();
  const bar = page.getByRole('progressbar', { name: 'Avance del recálculo' });
  await bar.waitFor();
  await page.getByText('Terminado').waitFor({ timeout: 120_000 });
  t.is(await bar.getAttribute('aria-valuenow'), '100');
  const changed = page.getByText('Precios que cambiaron').locator('..');
  t.regex(await changed.innerText(), /\d/);
  await page.getByText('Frenados por el cambio máximo').waitFor();
  await page.getByText('Subidos al margen mínimo').waitFor();
  t.regex((await page.getByRole('link', { name: 'Imprimir etiquetas nuevas' }).getAttribute('href')) ?? '', /^\/etiquetas\?lote=\d+$/);
  await screenshot(page, 'precios-recalculo');
  t.deepEqual(await checkA11y(page), []);

  await page.getByRole('tab', { name: 'Reglas' }).click();
  await page.getByText(/costo \$ 1\.000,00 → precio \$ [\d.]+,\d\d/).first().waitFor();
  await screenshot(page, 'precios-reglas');

});

test.serial('the label sheet of the run has the required fields and barcodes, and its print stylesheet hides the app around it', async (t) => {
  const page = await app.newPage();
  await signIn(page, app.users.negocio);
  await page.goto('/etiquetas');
  await page.getByText('Lotes de etiquetas de los últimos recálculos').waitFor();
  await page.getByRole('link', { name: 'Lista nueva de prueba' }).click();
  const sheet = page.getByRole('region', { name: 'Hoja de etiquetas' });
  await sheet.waitFor();
  const labels = sheet.getByRole('article');
  t.true((await labels.count()) > 10);
  const first = labels.first();
  t.regex(await first.innerText(), /\$ [\d.]+,\d\d/);
  t.regex(await first.innerText(), /Precio sin impuestos nacionales: \$ [\d.]+,\d\d/);
  t.true((await sheet.getByText(/Precio por (kilo|litro): \$/).count()) > 0, 'some label shows a price per kg or litre');
  const barcodes = sheet.getByRole('img', { name: /Código de barras/ });
  t.true((await barcodes.count()) > 0);
  t.regex((await barcodes.first().getAttribute('src')) ?? '', /^data:image\/svg\+xml/);
  t.true(await barcodes.first().evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0), 'the barcode SVG renders');
  await screenshot(page, 'etiquetas-a4');
  t.deepEqual(await checkA11y(page), []);

  // Print: the menu and the controls disappear, the labels stay.
  await page.emulateMedia({ media: 'print' });
  t.false(await page.getByRole('navigation', { name: 'Menú principal' }).isVisible());
  t.false(await page.getByRole('button', { name: 'Imprimir', exact: true }).isVisible());
  t.false(await page.getByRole('link', { name: 'Descargar PDF' }).isVisible());
  t.true(await first.isVisible());
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  writeFileSync(path.join(ARTIFACTS_DIR, 'etiquetas-a4.pdf'), pdf);
  t.is(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  await screenshot(page, 'etiquetas-a4-impresion');
  await page.emulateMedia({ media: 'screen' });

  // Thermal 58 mm: one label per row.
  await page.getByText('Térmica 58 mm').click();
  await page.waitForURL(/formato=58/);
  // The URL changes before React re-renders the sheet: wait for the sheet itself to be in 58 mm.
  await page.locator('section.label-sheet[data-format="58"]').waitFor();
  const boxes = await labels.evaluateAll((els) => els.slice(0, 2).map((e) => (e as unknown as { getBoundingClientRect: () => { left: number; width: number } }).getBoundingClientRect()));
  t.is(Math.round(boxes[0]!.left), Math.round(boxes[1]!.left));
  await screenshot(page, 'etiquetas-58mm');

  // The server-rendered PDF of the same labels, 58 mm thermal: one label per 58 × 40 mm page.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Descargar PDF' }).click()]);
  t.regex(download.suggestedFilename(), /^etiquetas-lote-\d+-58\.pdf$/);
  const saved = path.join(ARTIFACTS_DIR, 'etiquetas-58mm-descarga.pdf');
  await download.saveAs(saved);
  const doc = await openPdf(new Uint8Array(readFileSync(saved)));
  t.is(doc.numPages, await labels.count());
  const firstPage = await doc.getPage(1);
  const [x0, y0, x1, y1] = firstPage.view as [number, number, number, number];
  t.is(Math.round(((x1 - x0) * 25.4) / 72), 58);
  t.is(Math.round(((y1 - y0) * 25.4) / 72), 40);
  const text = (await firstPage.getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join(' ');
  const firstName = await first.locator('.name').innerText();
  const firstPrice = await first.locator('.price').innerText();
  t.true(text.includes(firstName) && text.includes(firstPrice), `the PDF's first label has ${firstName} at ${firstPrice}: «${text}»`);
  await doc.destroy();

  const phone = await app.newPage({ viewport: { width: 360, height: 740 } });
  await signIn(phone, app.users.negocio);
  await phone.goto(page.url());
  await phone.getByRole('region', { name: 'Hoja de etiquetas' }).waitFor();
  t.false(await hasHorizontalScroll(phone));
  await screenshot(phone, 'etiquetas-telefono');
});

test.serial('Colas shows jobs per queue to an admin, with the dashboard link; other roles do not get it', async (t) => {
  const page = await app.newPage();
  await signIn(page, app.users.admin);
  await page.goto('/colas');
  await page.getByRole('cell', { name: 'Recálculo de precios' }).waitFor();
  t.is(await page.getByRole('link', { name: /Panel completo de colas/ }).getAttribute('href'), '/admin/queues');
  await screenshot(page, 'colas');
  t.deepEqual(await checkA11y(page), []);

  const phone = await app.newPage({ viewport: { width: 360, height: 740 } });
  await signIn(phone, app.users.admin);
  await phone.goto('/colas');
  await phone.getByRole('cell', { name: 'Recálculo de precios' }).waitFor();
  await screenshot(phone, 'colas-telefono');

  const viewer = await app.newPage();
  await signIn(viewer, app.users.viewer);
  await viewer.goto('/colas');
  await viewer.getByText('Sin permiso').first().waitFor();
  const refused = await viewer.context().request.get('/v1/queues/price-recalculations/failed');
  t.is(refused.status(), 403);

  const phonePrices = await app.newPage({ viewport: { width: 360, height: 740 } });
  await signIn(phonePrices, app.users.negocio);
  await phonePrices.goto('/precios');
  await phonePrices.getByRole('button', { name: 'Recalcular precios' }).waitFor();
  t.false(await hasHorizontalScroll(phonePrices));
  await screenshot(phonePrices, 'precios-telefono');
});
