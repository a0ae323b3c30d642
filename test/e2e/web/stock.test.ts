/**
 * The web app records stock the way a shop does it, in a real Chromium against the real API,
 * database and workers: sign-in and lockout, receipts and sales with the balance after, an
 * oversell with its reason, a double-clicked submit that records once, and a count batch.
 */
import test from 'ava';
import type { Page } from 'playwright-core';
import { balance, pickOption, scannableProduct, settle } from '../../helpers/web-pages.js';
import { checkA11y, screenshot, signIn, startBrowserApp, type BrowserApp } from '../../helpers/browser.js';

let app: BrowserApp;
test.before(async () => {
  // A low per-user limit to see the lockout; a high per-address one so the other tests' sign-ins stay open.
  app = await startBrowserApp({ demo: true, env: { LOGIN_USERNAME_FAILURE_LIMIT: '3', LOGIN_ADDRESS_FAILURE_LIMIT: '1000', LOGIN_FAILURE_DELAY_MS: '0', RATE_LIMIT_AUTH_FAILURES: '10000' } });
});
/** A page with room for a machine busy with other test files (2 cores shared). */
async function newPage(options?: Parameters<BrowserApp['newPage']>[0]) {
  const page = await app.newPage(options);
  page.setDefaultTimeout(60_000);
  return page;
}

test.after.always(async () => {
  await app?.close();
});

const db = () => app.system.database.db;

async function fillSignIn(page: Page, username: string, password: string) {
  await page.getByLabel('Usuario').fill(username);
  await page.getByLabel('Contraseña').fill(password);
  await page.getByRole('button', { name: 'Ingresar' }).click();
}

test('sign-in refuses a wrong password, locks after repeated failures with a message, and lets the right password in', async (t) => {
  const page = await newPage({ viewport: { width: 360, height: 740 } });
  await page.goto('/productos');
  await page.waitForURL('**/ingresar');
  t.deepEqual(await checkA11y(page), []);
  await screenshot(page, 'ingresar-phone');

  const { negocio, deposito } = app.users;
  await fillSignIn(page, negocio.username, 'no-es-la-clave');
  await page.getByRole('alert').getByText('Usuario o contraseña incorrectos.').waitFor();
  t.pass('wrong password refused with a message');

  for (let i = 0; i < 3; i++) await fillSignIn(page, negocio.username, `otra-clave-${i}`);
  const locked = page.getByRole('alert').filter({ hasText: 'Ingreso bloqueado' });
  await locked.waitFor();
  t.regex(await locked.innerText(), /Demasiados intentos fallidos.*probá de nuevo en \d+ (segundos|minutos)/s);
  await screenshot(page, 'ingresar-bloqueado-phone');
  // Locked means locked: the right password is refused too until the lock expires.
  await fillSignIn(page, negocio.username, negocio.password);
  await locked.waitFor();
  t.true(page.url().endsWith('/ingresar'));

  await fillSignIn(page, deposito.username, deposito.password);
  await page.waitForURL('**/productos');
  await page.getByRole('heading', { name: 'Productos' }).waitFor();
  t.pass('the right password goes back to the page asked for');
});

async function movementsPage(_t: { pass: (m?: string) => void }) {
  const page = await newPage();
  await signIn(page, app.users.deposito);
  await page.goto('/movimientos');
  await page.getByRole('heading', { name: 'Movimientos' }).waitFor();
  return page;
}

/** Clicks a movement type in the segmented control (its radio inputs are visually hidden). */
async function chooseType(page: Page, label: string) {
  await page.getByRole('radiogroup', { name: 'Tipo de movimiento' }).getByText(label, { exact: true }).click();
}

async function scan(page: Page, label: string, barcode: string) {
  const field = page.getByLabel(label, { exact: true });
  await field.fill(barcode);
  await field.press('Enter');
}

test('a receipt and a sale show the balance after, an oversell shows the reason and what is available, a unit product refuses 1,5', async (t) => {
  const product = await scannableProduct(db(), { name: 'Galletitas de prueba' });
  const page = await movementsPage(t);

  await chooseType(page, 'Ingreso');
  await scan(page, 'Producto', product.barcode);
  await page.getByText('Galletitas de prueba').waitFor();
  await page.getByLabel('Cantidad recibida').fill('10');
  await page.getByLabel('Costo unitario (opcional)').fill('1.234,50');
  await page.getByRole('button', { name: 'Registrar ingreso' }).click();
  await page.getByText('Saldo en Salón de ventas: 10 u').waitFor();
  t.is(await balance(db(), product.id, 'SALON'), '10');
  const receipt = await db().selectFrom('stock_movements').select(['quantity', 'unit_cost_cents']).where('product_id', '=', product.id).executeTakeFirstOrThrow();
  t.is(Number(receipt.unit_cost_cents), 123450, 'the unit cost typed as 1.234,50 arrives as $ 1234.50');
  await screenshot(page, 'movimientos-ingreso-desktop');

  await chooseType(page, 'Venta');
  await page.getByLabel('Cantidad vendida').fill('1,5');
  await page.getByRole('button', { name: 'Registrar venta' }).click();
  await page.getByText('Este producto se cuenta por unidades: la cantidad debe ser entera.').waitFor();
  t.is(await db().selectFrom('movement_requests').select('id').where('product_id', '=', product.id).execute().then((r) => r.length), 1, '1,5 of a unit product is refused before sending');

  await page.getByLabel('Cantidad vendida').fill('3');
  await page.getByRole('button', { name: 'Registrar venta' }).click();
  await page.getByText('Saldo en Salón de ventas: 7 u').waitFor();
  t.is(await balance(db(), product.id, 'SALON'), '7');

  await page.getByLabel('Cantidad vendida').fill('8');
  await page.getByRole('button', { name: 'Registrar venta' }).click();
  const rejected = page.getByRole('alert').filter({ hasText: 'Movimiento rechazado' });
  await rejected.waitFor();
  t.regex(await rejected.innerText(), /No hay stock suficiente.*Disponible en Salón de ventas: 7 u/s);
  t.is(await balance(db(), product.id, 'SALON'), '7', 'the oversell changed nothing');
  await screenshot(page, 'movimientos-rechazado-desktop');
  t.deepEqual(await checkA11y(page), []);
});

test('a weighed product takes 0,125 kg', async (t) => {
  const product = await scannableProduct(db(), { unit: 'kg', name: 'Queso de prueba' });
  const page = await movementsPage(t);
  await chooseType(page, 'Ingreso');
  await scan(page, 'Producto', product.barcode);
  await page.getByLabel('Cantidad recibida').fill('2');
  await page.getByRole('button', { name: 'Registrar ingreso' }).click();
  await page.getByText('Saldo en Salón de ventas: 2 kg').waitFor();
  await chooseType(page, 'Venta');
  await page.getByLabel('Cantidad vendida').fill('0,125');
  await page.getByRole('button', { name: 'Registrar venta' }).click();
  await page.getByText('Saldo en Salón de ventas: 1,875 kg').waitFor();
  t.is(await balance(db(), product.id, 'SALON'), '1.875');
});

test('a double-clicked submit records one movement', async (t) => {
  const product = await scannableProduct(db(), { name: 'Yerba de prueba' });
  const page = await movementsPage(t);
  await chooseType(page, 'Ingreso');
  await scan(page, 'Producto', product.barcode);
  await page.getByLabel('Cantidad recibida').fill('5');
  // Two clicks in the same tick, before React can disable the button: two requests leave.
  const requests: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/v1/stock-movements')) requests.push(r.headers()['idempotency-key'] ?? '');
  });
  await page.getByRole('button', { name: 'Registrar ingreso' }).evaluate((b: { click: () => void }) => {
    b.click();
    b.click();
  });
  await page.getByText('Saldo en Salón de ventas: 5 u').waitFor();
  await settle(page);
  t.true(requests.length >= 1);
  t.is(new Set(requests).size, 1, 'every request of one submission carries the same Idempotency-Key');
  const rows = await db().selectFrom('movement_requests').select('id').where('product_id', '=', product.id).execute();
  const ledger = await db().selectFrom('stock_movements').select('id').where('product_id', '=', product.id).execute();
  t.is(rows.length, 1);
  t.is(ledger.length, 1);
  t.is(await balance(db(), product.id, 'SALON'), '5');
});

test('a count of a location goes as one batch and lists each line with its outcome', async (t) => {
  const a = await scannableProduct(db(), { name: 'Arroz de prueba' });
  const b = await scannableProduct(db(), { unit: 'kg', name: 'Jamón de prueba' });
  const page = await newPage({ viewport: { width: 360, height: 740 } });
  await signIn(page, app.users.deposito);
  await page.goto('/recuento');
  await pickOption(page, 'Ubicación que vas a contar', 'Depósito');
  await scan(page, 'Agregar producto', a.barcode);
  await page.getByLabel('Cantidad contada de Arroz de prueba').fill('12');
  await page.getByLabel('Cantidad contada de Arroz de prueba').press('Enter');
  await scan(page, 'Agregar producto', b.barcode);
  await page.getByLabel('Cantidad contada de Jamón de prueba').fill('3,25');
  await page.getByText('+3,25 kg').waitFor();
  await screenshot(page, 'recuento-phone');
  t.deepEqual(await checkA11y(page), []);
  await page.getByRole('button', { name: 'Enviar recuento (2 productos)' }).click();
  await page.getByText('Recuento aplicado').waitFor();
  await page.getByText('2 aplicados').waitFor();
  await screenshot(page, 'recuento-resultado-phone');
  t.is(await balance(db(), a.id, 'DEPOSITO'), '12');
  t.is(await balance(db(), b.id, 'DEPOSITO'), '3.25');
  const batches = await db().selectFrom('movement_requests').select('batch_id').where('product_id', 'in', [a.id, b.id]).execute();
  t.is(batches.length, 2);
  t.truthy(batches[0]!.batch_id);
  t.is(batches[0]!.batch_id, batches[1]!.batch_id, 'both lines went in one batch');
});
