/**
 * Every page of the web app in a real Chromium against the real API and database (demo shop):
 * a screenshot on a desktop and on a 360-px phone, no sideways scroll on the phone, no serious
 * or critical axe-core violation; search by barcode; CSV export; what a viewer may not do.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { settle } from '../../helpers/web-pages.js';
import { checkA11y, hasHorizontalScroll, screenshot, signIn, startBrowserApp, type BrowserApp } from '../../helpers/browser.js';

let app: BrowserApp;
let sampleSku: string;
let sampleBarcode: string;
let sampleName: string;
test.before(async () => {
  app = await startBrowserApp({ demo: true, env: { RATE_LIMIT_AUTH_FAILURES: '10000' } });
  const p = await app.system.database.db.selectFrom('products').select(['sku', 'barcode', 'name']).where('barcode', 'is not', null).where('unit', '=', 'unit').orderBy('id').executeTakeFirstOrThrow();
  sampleSku = p.sku;
  sampleBarcode = p.barcode!;
  sampleName = p.name;
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

const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 800 };

/** Every page of part 1, with the heading that says it loaded (add new pages here). */
const pages = () => [
  { name: 'resumen', path: '/', heading: 'Resumen' },
  { name: 'productos', path: '/productos', heading: 'Productos' },
  { name: 'producto', path: `/productos/${encodeURIComponent(sampleSku)}`, heading: sampleName },
  { name: 'movimientos', path: '/movimientos', heading: 'Movimientos' },
  { name: 'recuento', path: '/recuento', heading: 'Recuento' },
  { name: 'reposicion', path: '/reposicion', heading: 'Reposición' },
  { name: 'ubicaciones', path: '/ubicaciones', heading: 'Ubicaciones' },
  { name: 'usuarios', path: '/usuarios', heading: 'Usuarios' },
  { name: 'claves-api', path: '/claves-api', heading: 'Claves de API' },
];

async function visit(page: Page, path: string, heading: string) {
  await page.goto(path);
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
  await settle(page);
}

for (const [device, viewport] of [
  ['phone', PHONE],
  ['desktop', DESKTOP],
] as const) {
  test(`every page on a ${device}: loads, saves a screenshot, ${device === 'phone' ? 'does not scroll sideways, ' : ''}and has no serious accessibility violation`, async (t) => {
    const page = await newPage({ viewport });
    await signIn(page, app.users.admin);
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`${page.url()}: ${err.message}`));
    for (const p of pages()) {
      await visit(page, p.path, p.heading);
      await screenshot(page, `${p.name}-${device}`);
      if (device === 'phone') t.false(await hasHorizontalScroll(page), `${p.path} scrolls sideways at 360 px`);
      t.deepEqual(await checkA11y(page), [], `${p.path} on a ${device}`);
    }
    if (device === 'phone') {
      // The menu lives behind the burger on a phone.
      await page.getByRole('button', { name: 'Abrir menú' }).click();
      await page.getByRole('link', { name: 'Claves de API' }).waitFor();
      await screenshot(page, `menu-${device}`);
      t.deepEqual(await checkA11y(page), [], 'menu open');
    }
    t.deepEqual(problems, [], 'no script errors');
  });
}

test('a barcode typed into the product search with Enter (a scanner) opens that product', async (t) => {
  const page = await newPage();
  await signIn(page, app.users.deposito);
  await visit(page, '/productos', 'Productos');
  const search = page.getByLabel('Buscar', { exact: true });
  await search.fill(sampleBarcode);
  await search.press('Enter');
  await page.waitForURL(`**/productos/${encodeURIComponent(sampleSku)}`);
  await page.getByRole('heading', { name: sampleName, level: 1 }).waitFor();
  t.pass();
});

test('search as you type narrows the list by name', async (t) => {
  const page = await newPage({ viewport: PHONE });
  await signIn(page, app.users.viewer);
  await visit(page, '/productos', 'Productos');
  const word = sampleName.split(' ')[0]!;
  await page.getByLabel('Buscar', { exact: true }).fill(word.toLowerCase());
  await page.waitForURL(`**/productos?q=${encodeURIComponent(word.toLowerCase())}`);
  await settle(page);
  const cards = await page.getByText(word, { exact: false }).allInnerTexts();
  t.true(cards.length > 0);
  await screenshot(page, 'productos-busqueda-phone');
});

test('CSV export of the product table downloads UTF-8 with BOM, ";" separators and decimal commas', async (t) => {
  const page = await newPage();
  await signIn(page, app.users.negocio);
  await visit(page, '/productos', 'Productos');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Exportar CSV' }).click()]);
  t.regex(download.suggestedFilename(), /^productos-\d{4}-\d{2}-\d{2}\.csv$/);
  const bytes = readFileSync((await download.path())!);
  t.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte order mark');
  const lines = bytes.subarray(3).toString('utf8').trimEnd().split('\r\n');
  const header = lines[0]!.split(';');
  t.true(header.includes('Producto') && header.includes('Precio') && header.includes('Stock total'));
  const count = await app.system.database.db.selectFrom('products').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  t.is(lines.length - 1, Number(count.n), 'every product, not only the first page');
  const rows = lines.slice(1).map((l) => l.split(';'));
  const price = header.indexOf('Precio');
  const sku = header.indexOf('SKU');
  const row = rows.find((r) => r[sku] === sampleSku)!;
  t.regex(row[price]!, /^\d+,\d{2}$/, 'a price like 1234,50: decimal comma, no thousands separator');
  const dbPrice = await app.system.database.db.selectFrom('products').select('price_cents').where('sku', '=', sampleSku).executeTakeFirstOrThrow();
  t.is(row[price], (Number(dbPrice.price_cents) / 100).toFixed(2).replace('.', ','));
});

test('a viewer sees no write controls, pages it may not use say so, and the API refuses the write anyway', async (t) => {
  const page = await newPage({ viewport: PHONE });
  const session = await signIn(page, app.users.viewer);
  await visit(page, '/productos', 'Productos');
  t.is(await page.getByRole('button', { name: 'Nuevo producto' }).count(), 0);
  await visit(page, `/productos/${encodeURIComponent(sampleSku)}`, sampleName);
  t.is(await page.getByRole('button', { name: 'Editar' }).count(), 0);
  t.is(await page.getByRole('link', { name: 'Registrar movimiento' }).count(), 0);
  await visit(page, '/ubicaciones', 'Ubicaciones');
  t.is(await page.getByRole('button', { name: 'Crear' }).count(), 0);
  await page.getByRole('button', { name: 'Abrir menú' }).click();
  const menu = page.getByRole('navigation', { name: 'Menú principal' });
  await menu.getByRole('link', { name: 'Productos' }).waitFor();
  for (const hidden of ['Movimientos', 'Recuento', 'Usuarios', 'Claves de API']) t.is(await menu.getByRole('link', { name: hidden }).count(), 0, `${hidden} is not in a viewer's menu`);
  await visit(page, '/movimientos', 'Sin permiso');
  await screenshot(page, 'sin-permiso-viewer-phone');

  const answer = await page.evaluate(
    async ({ csrf, sku }) => {
      const r = await fetch('/v1/stock-movements', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, 'idempotency-key': 'viewer-try' }, body: JSON.stringify({ type: 'receipt', sku, location: 'SALON', quantity: '1' }) });
      return [r.status, ((await r.json()) as { code: string }).code] as const;
    },
    { csrf: session.csrfToken, sku: sampleSku },
  );
  t.deepEqual(answer, [403, 'forbidden']);
  const recorded = await app.system.database.db.selectFrom('movement_requests').select('id').where('idempotency_key', '=', 'viewer-try').execute();
  t.is(recorded.length, 0);
});
