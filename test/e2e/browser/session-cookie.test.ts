import test from 'ava';
import type { Page } from 'playwright-core';
import { checkA11y, hasHorizontalScroll, screenshot, signIn, startBrowserApp, type BrowserApp } from '../../helpers/browser.js';
import { newLocation, newProduct } from '../../helpers/factories.js';

let app: BrowserApp;
test.before(async () => {
  app = await startBrowserApp({ workers: false });
});
test.after.always(async () => {
  await app?.close();
});

/**
 * A minimal sign-in page served on the app's own origin (the browser intercepts the URL), so these
 * tests exercise the API's cookie and CSRF rules from a real page without depending on the web app.
 */
const SIGN_IN_PAGE = `<!doctype html><html lang="es"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Ingresar</title></head>
<body><main><h1>Ingresar</h1>
<form id="f"><label for="u">Usuario</label> <input id="u" name="username" autocomplete="username">
<label for="p">Contraseña</label> <input id="p" name="password" type="password" autocomplete="current-password">
<button type="submit">Ingresar</button></form><p id="out" role="status"></p></main>
<script>
document.getElementById('f').addEventListener('submit', async (e) => {
  e.preventDefault();
  const res = await fetch('/v1/sessions', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: document.getElementById('u').value, password: document.getElementById('p').value }) });
  const body = await res.json();
  document.getElementById('out').textContent = res.status === 201 ? 'Hola, ' + body.user.displayName : body.detail;
});
</script></body></html>`;

const BAD_PAGE = `<!doctype html><html><head><title>x</title></head><body><input><p style="color:#eee;background:#fff">poco contraste</p></body></html>`;

async function openPage(page: Page, html: string, url = '/harness/ingresar') {
  await page.route(`**${url}`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
  await page.goto(url);
}

test('signing in through a page: the form signs in, the cookie is HttpOnly and SameSite=Strict, a wrong password shows the API message', async (t) => {
  const page = await app.newPage();
  await openPage(page, SIGN_IN_PAGE);
  const { negocio } = app.users;
  await page.getByLabel('Usuario').fill(negocio.username);
  await page.getByLabel('Contraseña').fill('no es la clave');
  await page.getByRole('button', { name: 'Ingresar' }).click();
  await page.getByRole('status').filter({ hasText: 'wrong' }).waitFor();
  t.is(await page.getByRole('status').textContent(), 'the username or the password is wrong');
  t.deepEqual(await page.context().cookies(), []);

  await page.getByLabel('Contraseña').fill(negocio.password);
  await page.getByRole('button', { name: 'Ingresar' }).click();
  await page.getByRole('status').filter({ hasText: 'Hola' }).waitFor();
  await screenshot(page, 'harness-sign-in');
  const [cookie] = await page.context().cookies();
  t.like(cookie, { name: 'gondola_session', httpOnly: true, sameSite: 'Strict', path: '/', secure: false });
  t.deepEqual(await checkA11y(page), [], 'the minimal page has no serious violation');
});

test('in a real browser the session cookie is hidden from scripts, signs fetches in, and cookie writes need the CSRF token', async (t) => {
  const page = await app.newPage();
  await openPage(page, SIGN_IN_PAGE);
  const { deposito } = app.users;
  const loc = await newLocation(app.system.database.db);
  const product = await newProduct(app.system.database.db);
  const outcome = await page.evaluate(
    async ({ user, movement }) => {
      const json = (r: Response): Promise<any> => r.json().catch(() => null);
      const signIn = await fetch('/v1/sessions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(user) });
      const signed = await json(signIn);
      const me = await fetch('/v1/me');
      const post = (headers: Record<string, string>) =>
        fetch('/v1/stock-movements', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(movement) });
      const noToken = await post({});
      const withToken = await post({ 'x-csrf-token': signed.csrfToken, 'idempotency-key': 'browser-1' });
      const out = await fetch('/v1/sessions/current', { method: 'DELETE', headers: { 'x-csrf-token': signed.csrfToken } });
      const after = await fetch('/v1/me');
      return {
        signIn: signIn.status,
        visibleCookies: (globalThis as unknown as { document: { cookie: string } }).document.cookie,
        me: [me.status, await json(me)],
        noToken: [noToken.status, (await json(noToken))?.code],
        withToken: withToken.status,
        signOut: out.status,
        after: [after.status, (await json(after))?.code],
      };
    },
    { user: { username: deposito.username, password: deposito.password }, movement: { sku: product.sku, location: loc.code, type: 'receipt', quantity: '2' } },
  );
  t.is(outcome.signIn, 201);
  t.is(outcome.visibleCookies, '', 'scripts cannot read the session cookie');
  t.is(outcome.me[0], 200);
  t.like(outcome.me[1], { user: { username: deposito.username, role: 'deposito' } });
  t.deepEqual(outcome.noToken, [403, 'csrf_token_missing']);
  t.is(outcome.withToken, 202);
  t.is(outcome.signOut, 204);
  t.deepEqual(outcome.after, [401, 'unauthorized']);
  const recorded = await app.system.database.db.selectFrom('movement_requests').select('idempotency_key').where('product_id', '=', product.id).execute();
  t.deepEqual(recorded.map((r) => r.idempotency_key), ['browser-1']);
});

test('the harness: signIn puts the session in the page, checkA11y and hasHorizontalScroll find what they should; the app and /docs pass them on a phone', async (t) => {
  const page = await app.newPage({ viewport: { width: 360, height: 740 } });
  const session = await signIn(page, app.users.viewer);
  t.is(session.user.role, 'viewer');
  const me = await page.goto('/v1/me');
  t.like(await me!.json(), { user: { username: app.users.viewer.username } });

  await openPage(page, SIGN_IN_PAGE);
  t.false(await hasHorizontalScroll(page));
  await openPage(page, BAD_PAGE, '/harness/mal');
  const found = (await checkA11y(page)).map((v) => v.id).sort();
  t.true(found.includes('label'), `an unlabeled input is reported: ${found.join(', ')}`);
  t.true(found.includes('color-contrast'), `low contrast is reported: ${found.join(', ')}`);
  await page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { body: { insertAdjacentHTML: (where: string, html: string) => void } } }).document;
    doc.body.insertAdjacentHTML('beforeend', '<div style="width:2000px">ancho</div>');
  });
  t.true(await hasHorizontalScroll(page));
  await page.goto('/');
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await screenshot(page, 'harness-home-phone');
  t.deepEqual(await checkA11y(page), []);
  // The API reference is the reference UI's own page (its colours are not ours): it must fit a phone.
  await page.goto('/docs');
  await screenshot(page, 'docs-phone');
  t.false(await hasHorizontalScroll(page), 'the API reference fits a 360 px phone');
});
