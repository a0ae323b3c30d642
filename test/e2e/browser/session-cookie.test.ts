import test from 'ava';
import { checkA11y, hasHorizontalScroll, screenshot, signIn, startBrowserApp, type BrowserApp } from '../../helpers/browser.js';
import { newLocation, newProduct } from '../../helpers/factories.js';

let app: BrowserApp;
test.before(async () => {
  app = await startBrowserApp({ workers: false });
});
test.after.always(async () => {
  await app?.close();
});

test('in a real browser the session cookie is HttpOnly, signs API calls in, and cookie writes need the CSRF token', async (t) => {
  const page = await app.newPage();
  await page.goto('/docs');
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

test('the harness signs a page in, saves screenshots, finds no serious accessibility violation on the app, and /docs fits a phone', async (t) => {
  const page = await app.newPage({ viewport: { width: 360, height: 740 } });
  const session = await signIn(page, app.users.viewer);
  t.is(session.user.role, 'viewer');
  const me = await page.goto('/v1/me');
  t.like(await me!.json(), { user: { username: app.users.viewer.username } });
  await page.goto('/');
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await screenshot(page, 'harness-home-phone');
  t.deepEqual(await checkA11y(page), []);
  // The API reference is the reference UI's own page (its colours are not ours): it must fit a phone.
  await page.goto('/docs');
  await screenshot(page, 'docs-phone');
  t.false(await hasHorizontalScroll(page), 'the API reference fits a 360 px phone');
});
