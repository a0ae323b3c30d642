import { z } from 'zod';
import { createApiKeySchema } from './routes/api-keys.routes.js';
import { createLocationSchema } from './routes/locations.routes.js';
import { createProductSchema, updateProductSchema } from './routes/products.routes.js';
import { batchInputSchema, movementInputSchema } from './routes/stock-movements.routes.js';
import { signInSchema } from './routes/sessions.routes.js';
import { createUserSchema, updateUserSchema } from './routes/users.routes.js';

type Op = { summary: string; role?: string; body?: z.ZodType; query?: string[]; responses: Record<string, string> };

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

/** Extra operations other capabilities register (path → method → operation). */
const extra: Record<string, Record<string, Op>> = {};
export function registerOperations(path: string, ops: Record<string, Op>): void {
  extra[path] = { ...extra[path], ...ops };
}

const paths: Record<string, Record<string, Op>> = {
  '/v1/products': {
    get: {
      summary: 'List products with stock per location, price, replacement cost and margin. q searches as you type (name, SKU, barcode; accents and case ignored): exact SKU/barcode first, then prefixes, then contains. Cursor pagination',
      query: ['q', 'barcode', 'category', 'location', 'belowReorderPoint', 'limit', 'cursor'],
      responses: { 200: 'page of products' },
    },
    post: { summary: 'Create a product', role: 'negocio', body: createProductSchema, responses: { 201: 'created', 400: 'invalid', 409: 'sku_taken' } },
  },
  '/v1/products/{sku}': {
    get: { summary: 'One product with its stock on hand', responses: { 200: 'product', 404: 'not_found' } },
    patch: { summary: 'Change a product', role: 'negocio', body: updateProductSchema, responses: { 200: 'product', 404: 'not_found' } },
  },
  '/v1/products/{sku}/kardex': {
    get: {
      summary: 'The product\'s ledger, newest first, with the running balance per location after each row (balanceAfter). from/to: a shop day YYYY-MM-DD (Buenos Aires; to is inclusive) or an ISO instant. Cursor pagination',
      query: ['location', 'type', 'from', 'to', 'limit', 'cursor'],
      responses: { 200: '{sku, unit, items, nextCursor}', 404: 'not_found' },
    },
  },
  '/v1/products/{sku}/stock-history': {
    get: { summary: 'Daily closing stock of the product over the last `days` shop days (default 90, at most 366), per location and in all', query: ['days'], responses: { 200: '{sku, unit, days, timeZone, locations, points:[{day, total, byLocation}]}', 404: 'not_found' } },
  },
  '/v1/summary': {
    get: {
      summary: 'The shop at a glance: inventory value at cost and at price, units/kg/liters sold today and in the last 7 days, products below reorder point, invoices needing review, cost alerts, queue health, sales per day for 30 days (amount at today\'s price)',
      responses: { 200: 'summary' },
    },
  },
  '/v1/locations': {
    get: { summary: 'List locations', responses: { 200: 'locations' } },
    post: { summary: 'Create a location', role: 'deposito', body: createLocationSchema, responses: { 201: 'created', 409: 'location_code_taken' } },
  },
  '/v1/stock-movements': {
    get: { summary: 'The ledger (filters: sku, location, type, from, to; cursor pagination)', query: ['sku', 'location', 'type', 'from', 'to', 'limit', 'cursor'], responses: { 200: 'page of ledger rows' } },
    post: {
      summary: 'Submit a movement. Headers: Idempotency-Key (same key → same movement), Prefer: wait=N',
      role: 'deposito',
      body: movementInputSchema,
      responses: { 202: 'queued', 201: 'applied (with Prefer: wait)', 409: 'rejected, with reason', 400: 'invalid input', 422: 'unknown sku/location or key reused', 503: 'queue unreachable' },
    },
  },
  '/v1/stock-movements/batch': {
    post: { summary: 'Submit up to 1000 movements as one job; atomic: true makes it all-or-nothing', role: 'deposito', body: batchInputSchema, responses: { 202: 'queued', 200: 'completed (with Prefer: wait)' } },
  },
  '/v1/stock-movements/batches/{id}': { get: { summary: 'A batch and the outcome of each movement', responses: { 200: 'batch' } } },
  '/v1/stock-movements/{id}': { get: { summary: 'A movement: status, reason, balance after', responses: { 200: 'movement', 404: 'not_found' } } },
  '/v1/stock': { get: { summary: 'Balances per product and location', query: ['sku', 'location', 'category', 'belowReorderPoint', 'limit', 'cursor'], responses: { 200: 'page of balances' } } },
  '/v1/stock/integrity': { get: { summary: 'Balances vs the sum of the ledger; mismatches must be empty', responses: { 200: '{ok, checked, mismatches}' } } },
  '/v1/api-keys': {
    get: { summary: 'List API keys', role: 'admin', responses: { 200: 'keys (hashes never shown)' } },
    post: { summary: 'Create an API key (shown once)', role: 'admin', body: createApiKeySchema, responses: { 201: 'key' } },
  },
  '/v1/api-keys/{id}': { delete: { summary: 'Revoke an API key', role: 'admin', responses: { 204: 'revoked' } } },
  '/v1/sessions': {
    post: {
      summary: 'Sign in: 201 {user:{id,username,displayName,role}, csrfToken} and the HttpOnly cookie gondola_session. Cookie-authenticated writes need the header X-CSRF-Token: <csrfToken>',
      body: signInSchema,
      responses: { 201: 'signed in', 400: 'invalid input', 401: 'invalid_credentials (unknown user or wrong password: same answer)', 429: 'login_locked (too many wrong passwords for the user or the address; Retry-After)' },
    },
  },
  '/v1/sessions/current': { delete: { summary: 'Sign out: ends this session and clears the cookie', responses: { 204: 'signed out', 401: 'no live session', 403: 'csrf_token_missing / csrf_token_invalid' } } },
  '/v1/me': { get: { summary: 'Who is calling: {user, csrfToken} for a session, {user:null, apiKey:{id,name,role}} for an API key', responses: { 200: 'principal', 401: 'not signed in' } } },
  '/v1/users': {
    get: { summary: 'List users', role: 'admin', responses: { 200: '{items: users}' } },
    post: { summary: 'Create a user (password at least 10 characters)', role: 'admin', body: createUserSchema, responses: { 201: 'user', 400: 'invalid input (errors name the field)', 409: 'username_taken' } },
  },
  '/v1/users/{id}': {
    patch: {
      summary: 'Change display name, role, active or password; deactivating or a new password ends the user\'s sessions',
      role: 'admin',
      body: updateUserSchema,
      responses: { 200: 'user with sessionsRevoked', 400: 'invalid input', 404: 'not_found', 409: 'last_admin' },
    },
  },
};

export function openApiDocument() {
  const all = { ...paths, ...extra };
  return {
    openapi: '3.1.0',
    info: { title: 'Gondola API', version: '1', description: 'Inventory backend for mini markets. Auth: a session cookie from POST /v1/sessions (writes need X-CSRF-Token), or Authorization: Bearer <key> or X-API-Key. Errors: application/problem+json with a stable code.' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' }, session: { type: 'apiKey', in: 'cookie', name: 'gondola_session' } } },
    security: [{ bearer: [] }, { apiKey: [] }, { session: [] }],
    paths: Object.fromEntries(
      Object.entries(all).map(([path, ops]) => [
        path,
        Object.fromEntries(
          Object.entries(ops).map(([method, op]) => [
            method,
            {
              summary: op.summary,
              ...(op.role && { description: `Role: ${op.role} (or admin)` }),
              ...(op.query && { parameters: op.query.map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })) }),
              ...(op.body && { requestBody: { required: true, content: { 'application/json': { schema: json(op.body) } } } }),
              responses: Object.fromEntries(Object.entries(op.responses).map(([code, description]) => [code, { description }])),
            },
          ]),
        ),
      ]),
    ),
  };
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A self-contained HTML page of the API (no external assets: nothing leaves the machine). */
export function renderDocsPage(doc: ReturnType<typeof openApiDocument>): string {
  const rows = Object.entries(doc.paths)
    .flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => {
        const o = op as { summary: string; description?: string; requestBody?: { content: { 'application/json': { schema: unknown } } }; responses: Record<string, { description: string }> };
        const body = o.requestBody ? `<details><summary>body schema</summary><pre>${esc(JSON.stringify(o.requestBody.content['application/json'].schema, null, 2))}</pre></details>` : '';
        const responses = Object.entries(o.responses).map(([c, r]) => `<code>${c}</code> ${esc(r.description)}`).join(' · ');
        return `<section><h3><span class="m">${method.toUpperCase()}</span> <code>${esc(path)}</code></h3><p>${esc(o.summary)}${o.description ? ` — <em>${esc(o.description)}</em>` : ''}</p><p>${responses}</p>${body}</section>`;
      }),
    )
    .join('\n');
  return `<!doctype html><html lang="es"><head><meta charset="utf-8"><title>Gondola API</title>
<style>body{font:15px/1.4 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em}section{border-top:1px solid #ddd;padding:.4em 0}.m{display:inline-block;min-width:4em;color:#06c}pre{background:#f6f6f6;padding:.6em;overflow:auto}</style>
</head><body><h1>Gondola API v1</h1><p>${esc(doc.info.description)} Machine-readable: <a href="/docs/openapi.json">/docs/openapi.json</a>. Queue dashboard: <a href="/admin/queues">/admin/queues</a> (admin key as password).</p>${rows}</body></html>`;
}
