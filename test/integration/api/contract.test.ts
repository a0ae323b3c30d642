/**
 * The API contract holds: every response of every route, produced by a real app on a real
 * database and queue, validates (status, content type, body) against the document served at
 * /docs/openapi.json; every Express route is in the document and every operation is a route.
 */
import test from 'ava';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { createApp } from '../../../src/api/app.js';
import { JobWaiter } from '../../../src/api/job-waiter.js';
import { Producer } from '../../../src/shared/jobs/enqueue.js';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';
import { openTestQueueBackend } from '../../helpers/db.js';
import { sessionFetch, signInHttp } from '../../helpers/sessions.js';
import { newApiKey, newLocation, receiveStock } from '../../helpers/factories.js';
import { eventually } from '../pricing/pricing-helpers.js';

type Doc = {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>;
  components: object;
};

let sys: TestSystem;
let doc: Doc;
const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormatsModule as unknown as (a: Ajv2020) => void)(ajv);
const validators = new Map<string, ValidateFunction>();
/** `METHOD /path/{param}` of every operation a request reached. */
const exercised = new Set<string>();
const problems: string[] = [];

const templates = () =>
  Object.keys(doc.paths)
    .map((p) => ({ path: p, params: (p.match(/\{/g) ?? []).length, re: new RegExp(`^${p.replace(/\{\w+\}/g, '[^/]+')}$`) }))
    .sort((a, b) => a.params - b.params);

/** Checks one real response against the document; a mismatch is recorded (and fails the last test). */
function checkResponse(method: string, url: string, status: number, contentType: string | null, body: unknown) {
  const path = new URL(url, 'http://x').pathname;
  const template = templates().find((t) => t.re.test(path) && doc.paths[t.path]![method]);
  const where = `${method.toUpperCase()} ${path} → ${status}`;
  if (!template) return void problems.push(`${where}: no operation in the document`);
  exercised.add(`${method.toUpperCase()} ${template.path}`);
  const response = doc.paths[template.path]![method]!.responses[String(status)];
  if (!response) return void problems.push(`${where}: status ${status} not documented for ${template.path}`);
  if (!response.content) {
    if (body !== null && body !== '') problems.push(`${where}: documented without a body, got one`);
    return;
  }
  const type = (contentType ?? '').split(';')[0]!.trim();
  const media = response.content[type];
  if (!media) return void problems.push(`${where}: content type ${type} not documented (has ${Object.keys(response.content).join(', ')})`);
  if (!type.endsWith('json')) return;
  const key = `${method} ${template.path} ${status} ${type}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile({ ...media.schema, components: doc.components });
    validators.set(key, validate);
  }
  if (!validate(body)) problems.push(`${where}: body does not match the document: ${ajv.errorsText(validate.errors)} — ${JSON.stringify(body).slice(0, 300)}`);
}

/** Like `sys.http`, and every answer is checked against the document. */
async function call(method: string, path: string, init: RequestInit & { json?: unknown; key?: string } = {}) {
  const res = await sys.http(path, { ...init, method });
  checkResponse(method.toLowerCase(), path, res.status, res.headers.get('content-type'), res.body);
  return res;
}

test.before(async () => {
  // The invoice and forecast workers are CPU-heavy and not what this file checks: their jobs stay queued.
  sys = await startTestSystem({ env: { WORKER_QUEUES: 'stock-movements,price-recalculations,inflation-updates' } });
  doc = (await sys.http('/docs/openapi.json')).body as Doc;
});
test.after.always(async () => {
  await sys?.close();
});

test.serial('the document is OpenAPI 3.1 with typed parameters and a Problem schema for every error', (t) => {
  t.is((doc as unknown as { openapi: string }).openapi, '3.1.0');
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const o = op as unknown as { parameters?: { name: string; in: string; schema?: { type?: unknown; $ref?: string } }[]; responses: Record<string, { content?: Record<string, unknown> }> };
      for (const name of path.match(/\{(\w+)\}/g) ?? []) {
        t.truthy(o.parameters?.find((p) => p.in === 'path' && `{${p.name}}` === name), `${method} ${path}: path parameter ${name} declared`);
      }
      for (const p of o.parameters ?? []) t.truthy(p.schema?.type ?? p.schema?.$ref ?? (p.schema && Object.keys(p.schema).length), `${method} ${path}: ${p.name} typed`);
      for (const [status, r] of Object.entries(o.responses)) {
        // Two answers above 400 are representations, not errors: readiness and a rejected movement.
        const representation = (path === '/ready' && status === '503') || (path === '/v1/stock-movements' && method === 'post' && status === '409');
        if (Number(status) >= 400 && !representation) t.truthy(r.content?.['application/problem+json'], `${method} ${path} ${status} is problem+json`);
        else if (status !== '204') t.truthy(r.content && Object.keys(r.content).length, `${method} ${path} ${status} has a schema`);
      }
    }
  }
});

test.serial('every Express route is in the document and every operation is an Express route', async (t) => {
  const backend = openTestQueueBackend(sys.config);
  const producer = new Producer(backend);
  try {
    const app = createApp({ config: sys.config, db: sys.database.db, producer, waiter: new JobWaiter(undefined, 'stock-movements') });
    const routes = new Set<string>();
    type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle: { stack?: Layer[] }; rawPath?: string };
    const walk = (stack: Layer[], prefix: string) => {
      for (const layer of stack) {
        if (layer.route) {
          for (const m of Object.keys(layer.route.methods)) routes.add(`${m.toUpperCase()} ${`${prefix}${layer.route.path === '/' && prefix ? '' : layer.route.path}`.replace(/:(\w+)/g, '{$1}')}`);
        } else if (layer.handle.stack) {
          const at = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
          walk(layer.handle.stack, prefix + at);
        }
      }
    };
    walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
    // The queue dashboard and the documentation pages themselves are not part of the API.
    const api = [...routes].filter((r) => !/ \/admin\/queues(\/|$)/.test(r) && !/ \/docs(\/|$)/.test(r)).sort();
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();
    t.true(api.length > 40);
    t.deepEqual(api, documented);
  } finally {
    await producer.close();
    await backend.close();
  }
});

test.serial('every route answers as the document says', async (t) => {
  const db = sys.database.db;
  const negocio = await newApiKey(db, 'negocio');
  const ml = await newApiKey(db, 'ml_service');
  const viewer = await newApiKey(db, 'viewer');

  // Service routes.
  await call('GET', '/health', { key: '' });
  await call('GET', '/ready', { key: '' });
  await call('GET', '/metrics', { key: '' });

  // Catalog.
  const loc = (await call('POST', '/v1/locations', { json: { code: 'salon-c', name: 'Salón' } })).body as { code: string };
  t.is(loc.code, 'SALON-C');
  await call('POST', '/v1/locations', { json: { code: 'SALON-C', name: 'again' } });
  await call('GET', '/v1/locations');
  const other = await newLocation(db);
  await call('POST', '/v1/products', { json: { sku: 'CT-YERBA', name: 'Yerba 1 kg', category: 'almacen', barcode: '7790001000011', reorderPoint: 5 } });
  await call('POST', '/v1/products', { json: { sku: 'CT-YERBA', name: 'again', category: 'almacen' } });
  await call('POST', '/v1/products', { json: { sku: 'CT-QUESO', name: 'Queso por kg', category: 'fiambreria', unit: 'kg' } });
  await call('POST', '/v1/products', { json: { sku: 'bad sku!', name: '', category: 'x' } });
  await call('POST', '/v1/products', { json: { sku: 'CT-X', name: 'x', category: 'x' }, key: viewer });
  await call('POST', '/v1/products', { json: { sku: 'CT-X', name: 'x', category: 'x' }, key: 'gnd_unknown' });
  await call('GET', '/v1/products?q=Yerba&limit=1');
  await call('GET', '/v1/products?limit=0');
  await call('GET', '/v1/products/CT-YERBA');
  await call('GET', '/v1/products/CT-NONE');
  await call('PATCH', '/v1/products/CT-YERBA', { json: { reorderPoint: '10', barcode: null } });
  await call('PATCH', '/v1/products/CT-NONE', { json: { name: 'x' } });

  // Stock movements.
  const yerba = (await db.selectFrom('products').select(['id']).where('sku', '=', 'CT-YERBA').executeTakeFirstOrThrow()).id;
  const locId = (await db.selectFrom('locations').select(['id']).where('code', '=', 'SALON-C').executeTakeFirstOrThrow()).id;
  await receiveStock(db, yerba, locId, '10');
  const wait = { Prefer: 'wait=10' };
  const applied = await call('POST', '/v1/stock-movements', { json: { sku: 'CT-YERBA', location: 'SALON-C', type: 'sale', quantity: 2 }, headers: { ...wait, 'Idempotency-Key': 'ct-sale-1' } });
  t.is(applied.status, 201);
  t.is((await call('POST', '/v1/stock-movements', { json: { sku: 'CT-YERBA', location: 'SALON-C', type: 'sale', quantity: 2 }, headers: { 'Idempotency-Key': 'ct-sale-1' } })).headers.get('idempotent-replayed'), 'true');
  t.is((await call('POST', '/v1/stock-movements', { json: { sku: 'CT-YERBA', location: 'SALON-C', type: 'sale', quantity: 500 }, headers: wait })).status, 409);
  t.is((await call('POST', '/v1/stock-movements', { json: { sku: 'CT-YERBA', location: 'SALON-C', type: 'transfer', quantity: 1, toLocation: other.code } })).status, 202);
  t.is((await call('POST', '/v1/stock-movements', { json: { sku: 'CT-NONE', location: 'SALON-C', type: 'sale', quantity: 1 } })).status, 422);
  t.is((await call('POST', '/v1/stock-movements', { json: { sku: 'CT-YERBA', location: 'SALON-C', type: 'sale', quantity: 'lots' } })).status, 400);
  t.is((await call('POST', '/v1/stock-movements', { json: { sku: 'CT-YERBA', location: 'SALON-C', type: 'sale', quantity: '0.5' } })).body.code, 'invalid_quantity');
  const batch = await call('POST', '/v1/stock-movements/batch', {
    json: { atomic: true, movements: [{ sku: 'CT-YERBA', location: 'SALON-C', type: 'receipt', quantity: 4, unitCost: '1500.50' }, { sku: 'CT-QUESO', location: 'SALON-C', type: 'receipt', quantity: '1.250' }] },
    headers: wait,
  });
  t.is(batch.status, 200);
  await call('POST', '/v1/stock-movements/batch', { json: { movements: [{ sku: 'CT-YERBA', location: 'SALON-C', type: 'sale', quantity: 1 }] } });
  await call('GET', `/v1/stock-movements/batches/${(batch.body as { id: string }).id}`);
  await call('GET', '/v1/stock-movements/batches/00000000-0000-4000-8000-000000000000');
  await call('GET', `/v1/stock-movements/${(applied.body as { id: string }).id}`);
  await call('GET', '/v1/stock-movements/not-a-uuid');
  await call('GET', '/v1/stock-movements?sku=CT-YERBA&limit=2');
  await call('GET', '/v1/stock-movements?from=yesterday');
  await call('GET', '/v1/stock?location=SALON-C');
  await call('GET', '/v1/stock/integrity');

  await call('GET', '/v1/products/CT-YERBA/kardex?location=SALON-C&from=2020-01-01&limit=2');
  await call('GET', '/v1/products/CT-NONE/kardex');
  await call('GET', '/v1/products/CT-YERBA/stock-history?days=7');
  await call('GET', '/v1/products/CT-NONE/stock-history');
  await call('GET', '/v1/products?q=yerba&limit=1');
  await call('GET', '/v1/summary');

  // People: users, sessions, who am I.
  const user = await call('POST', '/v1/users', { json: { username: 'cajera', displayName: 'Cajera', role: 'deposito', password: 'correct horse battery' } });
  await call('POST', '/v1/users', { json: { username: 'cajera', displayName: 'again', role: 'deposito', password: 'correct horse battery' } });
  await call('POST', '/v1/users', { json: { username: 'x', displayName: 'short', role: 'deposito', password: 'short' } });
  await call('GET', '/v1/users');
  await call('PATCH', `/v1/users/${(user.body as { id: number }).id}`, { json: { displayName: 'Cajera turno tarde' } });
  await call('PATCH', '/v1/users/999999', { json: { active: false } });
  await call('GET', '/v1/me');
  const signIn = await signInHttp(sys.baseUrl, 'cajera', 'correct horse battery');
  checkResponse('post', '/v1/sessions', signIn.status, signIn.headers.get('content-type'), signIn.body);
  const wrong = await signInHttp(sys.baseUrl, 'cajera', 'wrong password!');
  checkResponse('post', '/v1/sessions', wrong.status, wrong.headers.get('content-type'), wrong.body);
  const session = signIn.session!;
  const me = await sessionFetch(sys.baseUrl, session, '/v1/me');
  checkResponse('get', '/v1/me', me.status, me.headers.get('content-type'), me.body);
  t.is(me.body.user.username, 'cajera');
  const noCsrf = await sessionFetch(sys.baseUrl, session, '/v1/sessions/current', { method: 'DELETE', csrf: null });
  checkResponse('delete', '/v1/sessions/current', noCsrf.status, noCsrf.headers.get('content-type'), noCsrf.body);
  const out = await sessionFetch(sys.baseUrl, session, '/v1/sessions/current', { method: 'DELETE' });
  checkResponse('delete', '/v1/sessions/current', out.status, out.headers.get('content-type'), out.body);
  t.is(out.status, 204);
  await call('DELETE', '/v1/sessions/current');

  // API keys.
  const key = await call('POST', '/v1/api-keys', { json: { name: 'caja 2', role: 'deposito' } });
  await call('GET', '/v1/api-keys');
  await call('GET', '/v1/api-keys', { key: negocio });
  await call('DELETE', `/v1/api-keys/${(key.body as { id: number }).id}`);
  await call('DELETE', `/v1/api-keys/${(key.body as { id: number }).id}`);
  await call('GET', '/v1/audit-events?limit=5');
  await call('GET', '/v1/audit-events?format=csv&entityType=api_key');
  await call('GET', '/v1/audit-events', { key: negocio });

  // Pricing.
  await call('GET', '/v1/pricing-rules');
  await call('PUT', '/v1/pricing-rules/almacen', { json: { markupPct: 40, minMarginPct: 15, roundingStep: 10, ending: 9, maxChangePct: 30 } });
  await call('PUT', '/v1/pricing-rules/almacen', { json: { markupPct: 40, minMarginPct: 15, roundingStep: 10, ending: 20 } });
  await call('PATCH', '/v1/prices/CT-YERBA', { json: { replacementCost: '2500', ivaRate: 21, netContent: { quantity: 1, unit: 'kg' } }, key: negocio });
  await call('PATCH', '/v1/prices/CT-QUESO', { json: { replacementCost: 9000, ivaRate: 10.5, reprice: true } });
  await call('PATCH', '/v1/prices/CT-NONE', { json: { ivaRate: 21 } });
  const run = await call('POST', '/v1/prices/recalculate', { json: { skus: ['CT-YERBA', 'CT-QUESO'], reason: 'contract test' }, headers: { 'Idempotency-Key': 'ct-run-1' } });
  t.is(run.status, 202);
  await call('POST', '/v1/prices/recalculate', { json: { skus: ['CT-NONE'], reason: 'x' } });
  const runId = (run.body as { run: { id: string } }).run.id;
  await eventually(async () => ((await sys.http(`/v1/price-runs/${runId}`)).body as { status: string }).status === 'completed', 'the price run');
  await call('GET', `/v1/price-runs/${runId}`);
  await call('GET', '/v1/price-runs/no-such-run');
  await call('GET', '/v1/price-runs?status=completed');
  await call('GET', `/v1/jobs/price-recalculations/${(run.body as { job: { id: string } }).job.id}`);
  await call('GET', '/v1/jobs/no-such-queue/1');
  await call('GET', '/v1/prices/CT-YERBA');
  await call('GET', '/v1/prices/CT-NONE');
  await call('GET', '/v1/prices/CT-YERBA/history?limit=1');
  await call('GET', '/v1/prices/CT-NONE/history');
  await call('GET', '/v1/margins?category=almacen');
  await call('GET', '/v1/cost-alerts');
  const batches = await call('GET', '/v1/label-batches');
  const labelBatch = (batches.body as { items: { id: number }[] }).items[0]!;
  await call('GET', `/v1/label-batches/${labelBatch.id}`);
  const csv = await call('GET', `/v1/label-batches/${labelBatch.id}?format=csv`);
  t.regex(String(csv.body), /^sku,barcode,name/);
  await call('GET', '/v1/label-batches/999999');
  await call('GET', `/v1/labels?batch=${labelBatch.id}`);
  await call('GET', '/v1/labels?skus=CT-YERBA,CT-QUESO');
  await call('GET', '/v1/labels?skus=CT-NONE');
  await call('GET', '/v1/labels?batch=999999');
  for (const path of [`/v1/labels/pdf?batch=${labelBatch.id}&format=58`, '/v1/labels/pdf?skus=CT-YERBA,CT-QUESO']) {
    const pdf = await sys.http(path);
    t.is(pdf.status, 200, path);
    checkResponse('get', path, pdf.status, pdf.headers.get('content-type'), null);
  }
  await call('GET', '/v1/labels/pdf?batch=999999');
  await call('GET', '/v1/labels/pdf?skus=CT-NONE');
  await call('GET', `/v1/labels/pdf?batch=${labelBatch.id}&format=a5`);
  await call('DELETE', '/v1/pricing-rules/almacen');
  await call('DELETE', '/v1/pricing-rules/almacen');
  await call('DELETE', '/v1/pricing-rules/default');

  // Inflation index.
  await call('POST', '/v1/inflation-index/apply');
  await call('POST', '/v1/inflation-index/import-now');
  await call('POST', '/v1/inflation-index', { json: { rows: [{ series: 'official', period: '2024-01', rate: 20.6 }, { series: 'official', period: '2024-02', rate: '13.2' }] } });
  await call('POST', '/v1/inflation-index', { json: { rows: [{ series: 'official', period: '2024-13', rate: 1 }] } });
  await call('POST', '/v1/inflation-index/import?series=official&source=test', { body: 'period,rate_pct\n2024-02,13.3\n', headers: { 'content-type': 'text/csv' } });
  await call('POST', '/v1/inflation-index/import', { body: '', headers: { 'content-type': 'text/csv' } });
  await call('POST', '/v1/inflation-index', { json: { rows: [{ series: 'expected', period: '2024-03', rate: 3 }] } });
  await call('POST', '/v1/inflation-index/apply');
  await call('GET', '/v1/inflation-index?series=official');
  await call('GET', '/v1/inflation-index/official/2024-02/revisions');
  await call('GET', '/v1/inflation-index/monthly/2024-02/revisions');

  // Forecasts, suggestions, drafts and models, from rows a forecast run would write.
  await db
    .insertInto('model_versions')
    .values({
      version: 'ct-model-1', trained_from: '2024-01-01', trained_through: '2024-06-30', training_rows: 100, training_ms: 12, feature_names: ['dow'],
      validation: JSON.stringify({ overall: { wape: 0.3 }, byClass: {}, bestBaseline: 'seasonal', parityMaxRelDiff: 0.0001 }), serving_plan: JSON.stringify({ smooth: 'gbt' }),
      model: JSON.stringify({}), onnx: Buffer.from([1, 2, 3]), onnx_sha256: 'abc', active: true, activation_reason: 'first model',
    })
    .execute();
  await db
    .insertInto('forecasts')
    .values([1, 2].map((h) => ({ model_version: 'ct-model-1', product_id: yerba, location_id: locId, day: `2024-07-0${h}`, origin_day: '2024-06-30', horizon: h, method: 'gbt', product_class: 'smooth', mean: '2.5', p50: '2', p90: '4' })))
    .execute();
  await db
    .insertInto('reorder_suggestions')
    .values({ product_id: yerba, location_id: locId, origin_day: '2024-06-30', model_version: 'ct-model-1', supplier_code: null, demand: '30', safety_stock: '5', on_hand: '10', on_order: '0', pack_size: '12', packs: 3, quantity: '36' })
    .execute();
  await call('GET', '/v1/forecasts?sku=CT-YERBA&location=SALON-C');
  await call('GET', '/v1/forecasts?sku=CT-QUESO');
  await call('GET', '/v1/forecasts?sku=CT-NONE');
  await call('GET', '/v1/forecasts');
  await call('GET', '/v1/reorder-suggestions?location=SALON-C&all=true');
  await call('GET', '/v1/reorder-suggestions?location=NOWHERE');
  const drafts = await call('POST', '/v1/purchase-orders/drafts', { json: { location: 'SALON-C' }, key: ml });
  const draftId = (drafts.body as { drafts: { id: number }[] }).drafts[0]!.id;
  await call('POST', '/v1/purchase-orders/drafts', { json: { location: 'SALON-C', skus: ['CT-NONE'] }, key: ml });
  await call('GET', '/v1/purchase-orders?status=draft');
  await call('GET', `/v1/purchase-orders/${draftId}`);
  await call('GET', '/v1/purchase-orders/999999');
  await call('POST', `/v1/purchase-orders/${draftId}/order`, { key: negocio });
  await call('POST', `/v1/purchase-orders/${draftId}/cancel`, { key: negocio });
  await call('POST', `/v1/purchase-orders/${draftId}/order`, { key: negocio });
  await call('GET', '/v1/sales-history?sku=CT-YERBA&days=30');
  await call('GET', '/v1/sales-history?sku=CT-NONE');
  await call('POST', '/v1/purchase-orders/drafts', { json: { location: other.code } });
  await call('GET', '/v1/models');
  await call('POST', '/v1/forecasts/runs', { key: negocio });
  await call('POST', '/v1/models/train', { json: { trainedThrough: '2024-06-30' }, key: ml });
  await call('POST', '/v1/models/train', { key: negocio });

  // Invoices (extraction is not running here: the invoice stays queued).
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
  const form = () => {
    const f = new FormData();
    f.append('file', new Blob([png], { type: 'image/png' }), 'factura.png');
    return f;
  };
  const up = await call('POST', '/v1/invoices', { body: form() });
  t.is(up.status, 202);
  t.is((await call('POST', '/v1/invoices', { body: form() })).status, 200);
  const text = new FormData();
  text.append('file', new Blob(['hello'], { type: 'text/plain' }), 'x.txt');
  t.is((await call('POST', '/v1/invoices', { body: text })).status, 415);
  const id = (up.body as { id: string }).id;
  await call('GET', '/v1/invoices?limit=5');
  await call('GET', `/v1/invoices/${id}`);
  await call('GET', '/v1/invoices/not-an-id');
  const file = await sys.http(`/v1/invoices/${id}/file`);
  checkResponse('get', `/v1/invoices/${id}/file`, file.status, file.headers.get('content-type'), null);
  await call('PATCH', `/v1/invoices/${id}`, { json: { lines: [{ lineNo: 1, sku: 'CT-YERBA' }] } });
  await call('POST', `/v1/invoices/${id}/approve-prices`);
  await call('POST', '/v1/invoices/00000000-0000-4000-8000-000000000000/approve-prices');
  await call('POST', `/v1/invoices/${id}/post`);
  await call('POST', '/v1/invoices/00000000-0000-4000-8000-000000000000/post');
  await call('GET', '/v1/invoices/counts');
  await call('GET', `/v1/invoices/${id}/posting`);
  await call('GET', '/v1/invoices/00000000-0000-4000-8000-000000000000/posting');

  // Queues.
  await call('GET', '/v1/queues');
  await call('GET', '/v1/queues/price-recalculations/failed?limit=5');
  await call('GET', '/v1/queues/price-recalculations/failed', { key: viewer });
  await call('POST', '/v1/queues/price-recalculations/jobs/no-such-job/retry');
  await call('POST', `/v1/queues/price-recalculations/jobs/${(run.body as { job: { id: string } }).job.id}/retry`);

  t.deepEqual(problems, []);
  const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
  t.deepEqual(operations.filter((o) => !exercised.has(o)), [], 'every operation exercised at least once');
});
