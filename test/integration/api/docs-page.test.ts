/**
 * `/docs` renders the OpenAPI document in a real browser with nothing from the network: every
 * request the page makes goes to the API itself.
 */
import test from 'ava';
import { chromium, type Browser } from 'playwright-core';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';

let sys: TestSystem;
let browser: Browser;
test.before(async () => {
  sys = await startTestSystem({ workers: false });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
test.after.always(async () => {
  await browser?.close();
  await sys?.close();
});

test('/docs shows every operation of the document, offline', async (t) => {
  const page = await browser.newPage();
  const elsewhere: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(sys.baseUrl)) return route.continue();
    elsewhere.push(url);
    return route.abort();
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${sys.baseUrl}/docs`);
  await page.getByRole('heading', { name: /Gondola API/ }).waitFor();
  const doc = (await sys.http('/docs/openapi.json')).body as { paths: Record<string, object> };
  const operations = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
  // Swagger UI renders one block per operation, each with its path.
  await page.locator('.opblock').first().waitFor();
  t.is(await page.locator('.opblock').count(), operations);
  await page.getByText('/v1/stock-movements/batches/{id}', { exact: true }).first().waitFor();
  await page.screenshot({ path: 'test/integration/api/docs-page.png', fullPage: false });
  t.deepEqual(elsewhere, []);
  t.deepEqual(errors, []);
});
