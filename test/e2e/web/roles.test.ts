/**
 * The whole app walked as each role (administrador, negocio, depósito, solo lectura — the
 * cashier's account) on a 1366 × 768 desktop and a 360 × 740 phone, demo shop loaded: every page
 * in that role's menu loads, the menu offers exactly the pages the role may use, no page scrolls
 * sideways on the phone, no script error, no serious or critical axe-core violation. One
 * screenshot per role, page and device: test/artifacts/rol-<role>-<page>-<device>.png.
 */
import test from 'ava';
import type { Page } from 'playwright-core';
import { settle } from '../../helpers/web-pages.js';
import { checkA11y, hasHorizontalScroll, screenshot, signIn, startBrowserApp, type BrowserApp } from '../../helpers/browser.js';

let app: BrowserApp;
let sample: { sku: string; name: string };

test.before(async () => {
  app = await startBrowserApp({ demo: true, workers: false, env: { RATE_LIMIT_AUTH_FAILURES: '10000' } });
  sample = await app.system.database.db.selectFrom('products').select(['sku', 'name']).where('price_cents', 'is not', null).orderBy('id').executeTakeFirstOrThrow();
});
test.after.always(async () => {
  await app?.close();
});

type RoleName = 'admin' | 'negocio' | 'deposito' | 'viewer';
const MENU: { name: string; path: string; heading: string; label: string; roles?: RoleName[] }[] = [
  { name: 'resumen', path: '/', heading: 'Resumen', label: 'Resumen' },
  { name: 'productos', path: '/productos', heading: 'Productos', label: 'Productos' },
  { name: 'movimientos', path: '/movimientos', heading: 'Movimientos', label: 'Movimientos', roles: ['admin', 'deposito'] },
  { name: 'recuento', path: '/recuento', heading: 'Recuento', label: 'Recuento', roles: ['admin', 'deposito'] },
  { name: 'reposicion', path: '/reposicion', heading: 'Reposición', label: 'Reposición' },
  { name: 'facturas', path: '/facturas', heading: 'Facturas', label: 'Facturas' },
  { name: 'precios', path: '/precios', heading: 'Precios', label: 'Precios' },
  { name: 'etiquetas', path: '/etiquetas', heading: 'Etiquetas', label: 'Etiquetas' },
  { name: 'pronostico', path: '/pronostico', heading: 'Pronóstico y reposición', label: 'Pronóstico y reposición' },
  { name: 'ubicaciones', path: '/ubicaciones', heading: 'Ubicaciones', label: 'Ubicaciones' },
  { name: 'usuarios', path: '/usuarios', heading: 'Usuarios', label: 'Usuarios', roles: ['admin'] },
  { name: 'claves-api', path: '/claves-api', heading: 'Claves de API', label: 'Claves de API', roles: ['admin'] },
  { name: 'colas', path: '/colas', heading: 'Colas', label: 'Colas', roles: ['admin'] },
];

async function visit(page: Page, path: string, heading: string) {
  await page.goto(path);
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
  await settle(page);
}

const DEVICES = [
  ['escritorio', { width: 1366, height: 768 }],
  ['telefono', { width: 360, height: 740 }],
] as const;

for (const role of ['admin', 'negocio', 'deposito', 'viewer'] as const) {
  for (const [device, viewport] of DEVICES) {
    test(`${role} on a ${device}: the menu offers the role's pages, each loads without sideways scroll, script error or serious accessibility violation`, async (t) => {
      const page = await app.newPage({ viewport });
      page.setDefaultTimeout(60_000);
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(`${page.url()}: ${err.message}`));
      await signIn(page, app.users[role]);
      const mine = MENU.filter((m) => !m.roles || m.roles.includes(role));

      await visit(page, '/', 'Resumen');
      if (device === 'telefono') await page.getByRole('button', { name: 'Abrir menú' }).click();
      const nav = page.getByRole('navigation', { name: 'Menú principal' });
      await nav.getByRole('link').first().waitFor();
      const offered = (await nav.getByRole('link').allInnerTexts()).map((s) => s.trim()).filter(Boolean);
      t.deepEqual(offered, mine.map((m) => m.label), `${role}'s menu`);

      for (const m of [...mine, { name: 'producto', path: `/productos/${encodeURIComponent(sample.sku)}`, heading: sample.name, label: '' }]) {
        await visit(page, m.path, m.heading);
        await screenshot(page, `rol-${role}-${m.name}-${device}`);
        if (device === 'telefono') t.false(await hasHorizontalScroll(page), `${m.path} scrolls sideways at 360 px for ${role}`);
        t.deepEqual(await checkA11y(page), [], `${m.path} as ${role} on a ${device}`);
      }
      // A page outside the role's menu says so instead of failing.
      const forbidden = MENU.find((m) => m.roles && !m.roles.includes(role));
      if (forbidden) {
        await page.goto(forbidden.path);
        await page.getByText('Sin permiso').first().waitFor();
        await screenshot(page, `rol-${role}-sin-permiso-${device}`);
      }
      t.deepEqual(errors, [], 'no script errors');
    });
  }
}
