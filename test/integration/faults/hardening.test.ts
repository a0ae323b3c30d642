import test from 'ava';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';

let sys: TestSystem;
test.before(async () => {
  sys = await startTestSystem({ workers: false });
});
test.after.always(async () => {
  await sys?.close();
});

test('every response carries security headers, the queue dashboard and docs included', async (t) => {
  const basic = `Basic ${Buffer.from(`x:${sys.adminKey}`).toString('base64')}`;
  for (const [path, headers] of [['/v1/stock', {}], ['/docs', {}], ['/health', {}], ['/admin/queues', { authorization: basic }], ['/nowhere', {}]] as const) {
    const r = await sys.http(path, { headers, key: '' });
    // The web app's own policy (unknown paths fall through to it) allows same-origin framing only.
    t.regex(r.headers.get('x-frame-options') ?? '', /^(DENY|SAMEORIGIN)$/, path);
    t.regex(r.headers.get('content-security-policy') ?? '', /frame-ancestors '(none|self)'/, path);
    t.is(r.headers.get('x-content-type-options'), 'nosniff', path);
  }
});

test('the queue dashboard refuses cross-site writes even with the browser\'s saved Basic credentials', async (t) => {
  const basic = `Basic ${Buffer.from(`x:${sys.adminKey}`).toString('base64')}`;
  const path = '/admin/queues/api/queues/stock-movements/retry/failed';
  const crossSite = await sys.http(path, { method: 'PUT', key: '', headers: { authorization: basic, 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' } });
  t.is(crossSite.status, 403);
  t.is(crossSite.body.code, 'csrf_origin_mismatch');
  const otherOrigin = await sys.http(path, { method: 'PUT', key: '', headers: { authorization: basic, origin: 'https://evil.example' } });
  t.is(otherOrigin.status, 403);
  const sameOrigin = await sys.http(path, { method: 'PUT', key: '', headers: { authorization: basic, 'sec-fetch-site': 'same-origin' } });
  t.not(sameOrigin.status, 403);
  t.true(sameOrigin.status < 500);
});

test('pricing-rule categories refuse path text, reserved names and control characters', async (t) => {
  const rule = { markupPct: 30, minMarginPct: 10, roundingStep: 10, ending: 9, maxChangePct: 20 };
  for (const category of ['a..b', '__proto__', 'constructor', '%2e%2e%2fetc', 'x%01y', ' -lead']) {
    const r = await sys.http(`/v1/pricing-rules/${category}`, { method: 'PUT', json: rule });
    t.is(r.status, 400, category);
  }
  const bad = await sys.http('/v1/products', { method: 'POST', json: { sku: 'CAT-1', name: 'x', category: '../../etc' } });
  t.is(bad.status, 400);
  t.is(bad.body.errors[0].path, 'category');
  const ok = await sys.http('/v1/products', { method: 'POST', json: { sku: 'CAT-2', name: 'Yerba', category: 'almacén seco' } });
  t.is(ok.status, 201);
});

test('/metrics on the public port without a token answers only this machine, not forwarded requests', async (t) => {
  const local = await fetch(`${sys.baseUrl}/metrics`);
  t.is(local.status, 200);
  t.regex(await local.text(), /gondola_/);
  const forwarded = await fetch(`${sys.baseUrl}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
  t.is(forwarded.status, 403);
  t.regex(await forwarded.text(), /METRICS_TOKEN/);
});

test('/metrics can move to an internal port and require a bearer token', async (t) => {
  const { startApi } = await import('../../../src/api/server.js');
  const { testConfig } = await import('../../helpers/db.js');
  const token = 'metrics-token-0123456789';
  const config = testConfig(sys.config.DATABASE_URL, { API_METRICS_PORT: '0', METRICS_TOKEN: token });
  const api = await startApi(config);
  try {
    const port = (api.server.address() as { port: number }).port;
    const metricsPort = (api.metricsServer!.address() as { port: number }).port;
    t.is((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 404, 'not on the public port');
    t.is((await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status, 401);
    t.is((await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status, 401);
    const ok = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    t.is(ok.status, 200);
    t.regex(await ok.text(), /gondola_/);
  } finally {
    for (const step of api.closeSteps) await step.close();
  }
});
