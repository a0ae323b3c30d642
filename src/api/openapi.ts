/**
 * The API contract, generated from the zod schemas the routes use: nothing in `/docs/openapi.json`
 * is written by hand, so the document cannot say something the code does not do.
 *
 * Adding a route (the whole pattern; the route's schemas live in one place, its declaration):
 *
 *   const api = new ApiRouter('/v1/things');                       // base = where app.ts mounts it
 *   api.route('get', '/:id', {
 *     summary: 'One thing',
 *     roles: ['negocio'],                                          // enforced here and documented; omit = any key
 *     params: z.object({ id: z.string() }),                        // path, query, body: parsed (400 on failure)
 *     query: z.strictObject({ verbose: z.enum(['true', 'false']).optional() }),
 *     responses: { 200: thingSchema },                             // each status with its body schema
 *     errors: [404],                                               // problem+json statuses the handler throws
 *   }, async (req, res, { params, query }) => { res.json(await getThing(deps.db, params.id)); });
 *   return api.router;
 *
 * 400 (when anything is parsed), 401 (unless public), 403 (with roles), 413 (with a JSON body) and
 * 429 (rate limits, under /v1) are
 * added by themselves; every error response is `application/problem+json` with the `Problem`
 * schema. Give a response schema `.meta({ id: 'Thing' })` to make it a named component (clients get
 * a named type). `test/integration/api/contract.test.ts` validates real responses of every route
 * against this document and checks that every Express route is in it and the other way round.
 */
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponseObject } from 'zod-openapi';
import type { Role } from '../shared/db/database.js';
import { requireRole } from './middleware/auth.js';
import { parseInput } from './middleware/validate.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** RFC 9457 problem details as the error middleware writes them; some codes add fields (e.g. `missing`). */
export const problemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    code: z.string().meta({ description: 'stable, machine-readable; clients match on it' }),
    detail: z.string().meta({ description: 'what went wrong and what to do about it' }),
    errors: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional().meta({ description: 'one entry per bad field' }),
  })
  .meta({ id: 'Problem' });

/** A timestamp as JSON carries it (ISO 8601, UTC). */
export const timestamp = z.iso.datetime({ offset: true });
/** A decimal as a string (quantities to 3 places, money to 2, percents). */
export const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/);
/** A calendar day, `YYYY-MM-DD`. */
export const isoDay = z.iso.date();
/** Opaque cursor of the next page; null on the last page. */
export const nextCursor = z.string().nullable();

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No content', 400: 'Invalid input (every bad field listed)', 401: 'Not authenticated: no, unknown or revoked API key or session',
  403: 'The caller lacks the role, or a cookie write lacks its CSRF token', 404: 'Not found', 409: 'Conflict with the current state', 413: 'Request body too large', 415: 'Unsupported media type',
  422: 'Well-formed but refers to something that does not exist or cannot be used', 429: 'Too many requests; see Retry-After', 503: 'A backing service is unreachable; retry',
};

export type ResponseSpec =
  | z.ZodType
  | {
      description?: string;
      schema?: z.ZodType;
      /** Of `schema`; default application/json. */
      contentType?: string;
      /** Other representations of the same response, by content type (e.g. text/csv). */
      alternatives?: Record<string, z.ZodType>;
      headers?: Record<string, string>;
    };

export interface RouteSpec<P extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, B extends z.ZodType | undefined = undefined> {
  summary: string;
  description?: string;
  /** Roles allowed besides admin; `[]` = admin only; omitted = any authenticated key. */
  roles?: readonly Role[];
  params?: P;
  query?: Q;
  /** JSON request body, parsed before the handler runs. */
  body?: B;
  /** false: the body may be absent (parsed as `{}`). */
  bodyRequired?: boolean;
  /** A non-JSON body (CSV, multipart): documented here, read by the handler. */
  rawBody?: { contentType: string; schema: z.ZodType; description?: string };
  /** Request headers the route reads (documented; the handler validates them). */
  headers?: z.ZodObject;
  responses: Record<number, ResponseSpec>;
  /** Error statuses the handler (or its middleware) answers, besides the automatic ones. */
  errors?: number[];
  /** Middleware that runs after authorization and before parsing (e.g. a body reader). */
  use?: RequestHandler[];
  /** Not under /v1: no API key needed. */
  public?: boolean;
}

type Out<S, D> = S extends z.ZodType ? z.output<S> : D;
export interface RouteInput<P, Q, B> {
  params: Out<P, Record<string, string>>;
  query: Out<Q, Record<string, unknown>>;
  body: Out<B, unknown>;
}
export type RouteHandler<P, Q, B> = (req: Request, res: Response, input: RouteInput<P, Q, B>) => Promise<void> | void;

type AnySpec = RouteSpec<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>;

interface Registered {
  method: Method;
  path: string;
  operation: ZodOpenApiOperationObject;
}
const operations = new Map<string, Registered>();
let cached: ReturnType<typeof createDocument> | undefined;

/** `/:id` → `/{id}` */
export const openApiPath = (expressPath: string) => expressPath.replace(/:(\w+)/g, '{$1}');

function response(status: number, spec: ResponseSpec): ZodOpenApiResponseObject {
  if (spec instanceof z.ZodType) return { description: STATUS_TEXT[status] ?? String(status), content: { 'application/json': { schema: spec } } };
  return {
    description: spec.description ?? STATUS_TEXT[status] ?? String(status),
    ...(spec.schema && {
      content: {
        [spec.contentType ?? 'application/json']: { schema: spec.schema },
        ...Object.fromEntries(Object.entries(spec.alternatives ?? {}).map(([type, schema]) => [type, { schema }])),
      },
    }),
    ...(spec.headers && { headers: Object.fromEntries(Object.entries(spec.headers).map(([name, description]) => [name, { description, schema: { type: 'string' as const } }])) }),
  };
}

function operationOf(fullPath: string, spec: AnySpec, id: string): ZodOpenApiOperationObject {
  const errors = new Set(spec.errors ?? []);
  if (spec.params || spec.query || spec.body || spec.rawBody) errors.add(400);
  if (!spec.public) errors.add(401);
  if (fullPath.startsWith('/v1/')) errors.add(429);
  if (spec.roles) errors.add(403);
  if (spec.body) errors.add(413);
  const roleText = spec.roles && `Role: ${spec.roles.length ? `${spec.roles.join(' or ')} (or admin)` : 'admin'}.`;
  const requestBody = spec.body
    ? { required: spec.bodyRequired ?? true, content: { 'application/json': { schema: spec.body } } }
    : spec.rawBody && { required: true, description: spec.rawBody.description, content: { [spec.rawBody.contentType]: { schema: spec.rawBody.schema } } };
  return {
    operationId: id,
    summary: spec.summary,
    ...((spec.description || roleText) && { description: [spec.description, roleText].filter(Boolean).join('\n\n') }),
    tags: [fullPath.startsWith('/v1/') ? fullPath.split('/')[2]! : 'service'],
    ...(spec.public && { security: [] }),
    requestParams: {
      ...(spec.params && { path: spec.params as z.ZodObject }),
      ...(spec.query && { query: spec.query as z.ZodObject }),
      ...(spec.headers && { header: spec.headers }),
    },
    ...(requestBody && { requestBody }),
    responses: {
      ...Object.fromEntries(Object.entries(spec.responses).map(([status, r]) => [status, response(Number(status), r)])),
      ...Object.fromEntries(
        [...errors].sort().map((status) => [String(status), { description: STATUS_TEXT[status] ?? String(status), content: { 'application/problem+json': { schema: problemSchema } } }]),
      ),
    },
  };
}

/** Records one operation in the document (the routers do this through `ApiRouter.route`). */
export function registerOperation(method: Method, expressPath: string, spec: AnySpec, id = defaultOperationId(method, expressPath)): void {
  const path = openApiPath(expressPath);
  operations.set(`${method} ${path}`, { method, path, operation: operationOf(path, spec, id) });
  cached = undefined;
}

/** Every registered operation (method, OpenAPI path). */
export function registeredOperations(): { method: Method; path: string }[] {
  return [...operations.values()].map(({ method, path }) => ({ method, path }));
}

const camel = (words: string[]) => words.map((w, i) => (i ? w[0]!.toUpperCase() + w.slice(1) : w)).join('');
function defaultOperationId(method: Method, expressPath: string): string {
  const words = expressPath
    .split('/')
    .filter((s) => s && s !== 'v1')
    .flatMap((s) => (s.startsWith(':') ? ['by', s.slice(1)] : s.split(/[-_]/)));
  return camel([method, ...words]);
}

/**
 * An Express router whose routes are declared once with their schemas: the declaration parses
 * the input, enforces the roles and registers the operation in the OpenAPI document.
 */
export class ApiRouter {
  readonly router = Router();
  constructor(readonly base: string) {}

  route<P extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, B extends z.ZodType | undefined = undefined>(
    method: Method,
    path: string,
    spec: RouteSpec<P, Q, B>,
    handler: RouteHandler<P, Q, B>,
  ): void {
    const fullPath = `${this.base}${path === '/' ? '' : path}` || '/';
    registerOperation(method, fullPath, spec as AnySpec);
    const chain: RequestHandler[] = [];
    if (spec.roles) chain.push(requireRole(...spec.roles));
    chain.push(...(spec.use ?? []));
    chain.push(async (req: Request, res: Response, _next: NextFunction) => {
      const input = {
        params: spec.params ? parseInput(spec.params, req.params, 'path') : req.params,
        query: spec.query ? parseInput(spec.query, req.query, 'query') : req.query,
        body: spec.body ? parseInput(spec.body, spec.bodyRequired === false ? (req.body ?? {}) : req.body) : req.body,
      } as RouteInput<P, Q, B>;
      await handler(req, res, input);
    });
    this.router[method](path, ...chain);
  }
}

/** The OpenAPI 3.1 document of every registered route. */
export function openApiDocument() {
  if (cached) return cached;
  const paths: ZodOpenApiPathsObject = {};
  for (const { method, path, operation } of [...operations.values()].sort((a, b) => a.path.localeCompare(b.path))) {
    paths[path] = { ...paths[path], [method]: operation };
  }
  cached = createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'Gondola API',
        version: '1',
        description:
          'Inventory backend for mini markets. Auth: a session cookie from POST /v1/sessions (writes need X-CSRF-Token), or `Authorization: Bearer <key>` or `X-API-Key`. Errors: `application/problem+json` with a stable `code`. Generated from the zod schemas that validate requests and shape responses.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
          session: { type: 'apiKey', in: 'cookie', name: 'gondola_session' },
        },
      },
      security: [{ bearer: [] }, { apiKey: [] }, { session: [] }],
      paths,
    },
    {
      reused: 'inline',
      // Leaner schemas for readers and client generators: the format says what zod's long regex says.
      override: ({ jsonSchema }) => {
        const s = jsonSchema as Record<string, unknown>;
        if (s.format === 'date-time' || s.format === 'date' || s.format === 'uuid') delete s.pattern;
        if (s.minimum === Number.MIN_SAFE_INTEGER) delete s.minimum;
        if (s.maximum === Number.MAX_SAFE_INTEGER) delete s.maximum;
      },
    },
  );
  return cached;
}

/** The reference page: Swagger UI from node_modules (served by the API under /docs/assets), no network. */
export function renderDocsPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Gondola API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="stylesheet" href="/docs/docs.css">
<link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>`;
}

/**
 * WCAG AA over Swagger UI's defaults: method badges and links dark enough for 4.5:1 contrast, and
 * a layout that fits a 360 px phone without sideways scrolling.
 */
export const docsStylesheet = `body { margin: 0; }
.swagger-ui .opblock .opblock-summary-method { color: #fff; text-shadow: none; }
.swagger-ui .opblock.opblock-get .opblock-summary-method { background: #0b5394; }
.swagger-ui .opblock.opblock-post .opblock-summary-method { background: #1e6b35; }
.swagger-ui .opblock.opblock-put .opblock-summary-method { background: #8a4b00; }
.swagger-ui .opblock.opblock-patch .opblock-summary-method { background: #0e6b5c; }
.swagger-ui .opblock.opblock-delete .opblock-summary-method { background: #a30000; }
.swagger-ui .info .title small, .swagger-ui .info .title small pre { background: #3b3b3b; color: #fff; }
.swagger-ui .info .title small.version-stamp { background: #1e6b35; }
.swagger-ui .info a, .swagger-ui .info .url, .swagger-ui a.nostyle { color: #0b5394; }
.swagger-ui .btn.authorize { color: #1e6b35; border-color: #1e6b35; }
.swagger-ui .btn.authorize span { color: #1e6b35; }
.swagger-ui .btn.authorize svg { fill: #1e6b35; }
.swagger-ui .wrapper { padding: 0 8px; box-sizing: border-box; max-width: 100%; }
.swagger-ui .opblock .opblock-summary { flex-wrap: wrap; }
.swagger-ui .opblock .opblock-summary-path, .swagger-ui .opblock .opblock-summary-description { word-break: break-word; min-width: 0; }
.swagger-ui .opblock-summary-control { min-width: 0; flex-wrap: wrap; }
.swagger-ui .info { margin: 20px 0; }
.swagger-ui .info .title { word-break: break-word; }
.swagger-ui .scheme-container { padding: 12px 0; }
.swagger-ui table, .swagger-ui .responses-table { table-layout: fixed; width: 100%; }
.swagger-ui .markdown code, .swagger-ui .renderedMarkdown code { word-break: break-word; white-space: normal; }
`;

/** Started from a file, not inline, so the page works under a strict Content-Security-Policy. */
export const docsInitScript = `window.ui = SwaggerUIBundle({ url: '/docs/openapi.json', dom_id: '#swagger-ui', deepLinking: false, defaultModelsExpandDepth: -1, validatorUrl: null, tryItOutEnabled: false, persistAuthorization: true });\n`;
