import express, { type Express, type RequestHandler, type Router } from 'express';
import swaggerUi from 'swagger-ui-dist';
import { z } from 'zod';
import helmet from 'helmet';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { ALL_QUEUES, loadConfig } from '../shared/config.js';
import { metricsAuthorized, metricsOpenToLocal, movementsQueued, queueJobs, registry } from '../shared/metrics.js';
import type { ApiDeps } from './deps.js';
import { authenticate, requireRole } from './middleware/auth.js';
import { errorHandler, notFoundHandler } from './middleware/errors.js';
import { requestContext, trackRouteTemplates } from './middleware/request-context.js';
import { inputGuard } from './middleware/input-guard.js';
import { createRateLimits } from './middleware/rate-limit.js';
import { dashboardGuard } from './middleware/dashboard-guard.js';
import { ApiRouter, docsInitScript, docsStylesheet, openApiDocument, renderDocsPage } from './openapi.js';
import { apiKeysRouter } from './routes/api-keys.routes.js';
import { forecastsRouter } from './routes/forecasts.routes.js';
import { purchaseOrdersRouter } from './routes/purchase-orders.routes.js';
import { salesHistoryRouter } from './routes/sales-history.routes.js';
import { locationsRouter } from './routes/locations.routes.js';
import { productsRouter } from './routes/products.routes.js';
import { stockMovementsRouter } from './routes/stock-movements.routes.js';
import { stockRouter } from './routes/stock.routes.js';
import { costAlertsRouter, marginsRouter, priceRunsRouter, pricesRouter, pricingRulesRouter } from './routes/prices.routes.js';
import { inflationRouter } from './routes/inflation.routes.js';
import { labelsRouter } from './routes/labels.routes.js';
import { shelfLabelsRouter } from './routes/shelf-labels.routes.js';
import { queuesRouter } from './routes/queues.routes.js';
import { jobsRouter } from './routes/jobs.routes.js';
import { invoicesRouter } from './routes/invoices.routes.js';
import { auditEventsRouter } from './routes/audit-events.routes.js';
import { invoiceReviewRouter } from './routes/invoice-review.routes.js';
import { webAppRouter } from './web-app.js';
import { meRouter, sessionsRouter } from './routes/sessions.routes.js';
import { usersRouter } from './routes/users.routes.js';
import { summaryRouter } from './routes/summary.routes.js';
import { pingDatabase } from '../shared/db/health.js';
import { collectPricingGauges } from '../shared/db/repositories/pricing-views.repository.js';
import { countQueuedMovements } from '../shared/db/repositories/movements.repository.js';

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref())]);

const passThrough: RequestHandler = (_req, _res, next) => next();

/**
 * /metrics of the api. Queue depth is collected here, at scrape time, by the api only (worker
 * replicas would duplicate it). With METRICS_TOKEN set, only a scraper that sends it gets figures.
 */
export function metricsHandler(deps: Pick<ApiDeps, 'config' | 'db' | 'producer'>, { publicPort = false } = {}) {
  return async (req: express.Request, res: express.Response) => {
    // On the public port without a token, only this machine may scrape (not a proxy's clients).
    if (publicPort && !deps.config.METRICS_TOKEN && !metricsOpenToLocal(req.socket.remoteAddress, req.headers['x-forwarded-for'] as string | undefined)) {
      res.status(403).type('text/plain').send('/metrics answers only this machine; set METRICS_TOKEN or API_METRICS_PORT to scrape from elsewhere\n');
      return;
    }
    if (!metricsAuthorized(deps.config.METRICS_TOKEN, req.headers.authorization)) {
      res.status(401).setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      res.type('text/plain').send('send Authorization: Bearer <METRICS_TOKEN>\n');
      return;
    }
    await Promise.allSettled(
      ALL_QUEUES.map(async (name) => {
        const counts = await withTimeout(deps.producer.queue({ queue: name }).getJobCounts(), 1000);
        for (const [state, n] of Object.entries(counts)) queueJobs.set({ queue: name, state }, n);
      }),
    );
    await Promise.allSettled([
      withTimeout(collectPricingGauges(deps.db), 1000),
      withTimeout(countQueuedMovements(deps.db), 1000).then((n) => movementsQueued.set(n)),
    ]);
    res.type(registry.contentType).send(await registry.metrics());
  };
}

/** `/health`, `/ready`, `/metrics`: no API key. */
export function serviceRouter(deps: ApiDeps): Router {
  const service = new ApiRouter('');
  service.route('get', '/health', { summary: 'Liveness: the process answers', public: true, responses: { 200: z.strictObject({ status: z.literal('ok') }) } }, (_req, res) => {
    res.json({ status: 'ok' });
  });

  const readiness = z.strictObject({
    status: z.enum(['ready', 'not_ready']),
    queueBackend: z.enum(['redis', 'postgres']).meta({ description: 'where the jobs live (QUEUE_BACKEND)' }),
    checks: z.strictObject({ postgres: z.string(), queue: z.string() }).meta({ description: '"ok" or the error: the data\'s PostgreSQL, and the queue backend (Redis, or the same PostgreSQL)' }),
  });
  service.route('get', '/ready', {
    summary: 'Readiness: PostgreSQL and the queue backend (Redis or PostgreSQL) reachable',
    public: true,
    responses: { 200: { description: 'ready', schema: readiness }, 503: { description: 'a dependency is unreachable', schema: readiness } },
  }, async (_req, res) => {
    const [pg, queue] = await Promise.allSettled([
      withTimeout(pingDatabase(deps.db), 2000),
      withTimeout(deps.producer.ping(), 2000),
    ]);
    const checks = { postgres: pg.status === 'fulfilled' ? 'ok' : String(pg.reason), queue: queue.status === 'fulfilled' ? 'ok' : String(queue.reason) };
    const ready = pg.status === 'fulfilled' && queue.status === 'fulfilled';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', queueBackend: deps.producer.backendKind, checks });
  });

  // On the main port unless API_METRICS_PORT moves it to an internal one (server.ts).
  if (deps.config.API_METRICS_PORT === undefined) {
    service.route('get', '/metrics', {
      summary: 'Prometheus metrics (text exposition format); with METRICS_TOKEN set, only for `Authorization: Bearer <METRICS_TOKEN>`; without it, only for requests from this machine (403 otherwise)',
      public: true,
      responses: { 200: { description: 'metrics', schema: z.string(), contentType: 'text/plain' } },
    }, metricsHandler(deps, { publicPort: true }));
  }
  return service.router;

}

/**
 * Everything under `/v1` (API key required). Building it registers every operation in the
 * OpenAPI document; routes read `deps` only when a request arrives.
 */
export function v1Router(deps: ApiDeps, byPrincipal: RequestHandler = passThrough): Router {
  const v1 = express.Router();
  const auth = authenticate(deps.db, { sessionIdleMs: deps.config.SESSION_IDLE_TIMEOUT_MS });
  v1.use(helmet({ frameguard: { action: 'deny' }, contentSecurityPolicy: { directives: { 'frame-ancestors': ["'none'"] } } }), express.json({ limit: '2mb' }), inputGuard);
  v1.use('/sessions', sessionsRouter(deps, auth));
  v1.use(auth, byPrincipal);
  v1.use(meRouter());
  v1.use('/users', usersRouter(deps));
  v1.use('/summary', summaryRouter(deps));
  v1.use('/products', productsRouter(deps));
  v1.use('/locations', locationsRouter(deps));
  v1.use('/stock-movements', stockMovementsRouter(deps));
  v1.use('/stock', stockRouter(deps));
  v1.use('/api-keys', apiKeysRouter(deps));
  v1.use('/purchase-orders', purchaseOrdersRouter(deps));
  v1.use(forecastsRouter(deps));
  v1.use('/sales-history', salesHistoryRouter(deps));
  v1.use('/prices', pricesRouter(deps));
  v1.use('/price-runs', priceRunsRouter(deps));
  v1.use('/pricing-rules', pricingRulesRouter(deps));
  v1.use('/margins', marginsRouter(deps));
  v1.use('/cost-alerts', costAlertsRouter(deps));
  v1.use('/inflation-index', inflationRouter(deps));
  v1.use('/label-batches', labelsRouter(deps));
  v1.use('/labels', shelfLabelsRouter(deps));
  v1.use('/jobs', jobsRouter(deps));
  v1.use('/queues', queuesRouter(deps));
  v1.use('/invoices', invoiceReviewRouter(deps), invoicesRouter(deps));
  v1.use('/audit-events', auditEventsRouter(deps));
  return v1;
}

/**
 * The OpenAPI document without a database or Redis (for builds: the web app's client types).
 * Building the routers registers their operations; no handler runs.
 */
export function describeApi(): ReturnType<typeof openApiDocument> {
  const deps = { config: loadConfig({}), db: {}, producer: {}, waiter: {} } as unknown as ApiDeps;
  serviceRouter(deps);
  v1Router(deps);
  return openApiDocument();
}

/** Builds the HTTP app; no listen (server.ts and tests do that). */
export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.TRUST_PROXY);
  trackRouteTemplates(app);
  app.use(requestContext);
  // Security headers on every response (web app, docs, dashboard, metrics): no framing anywhere,
  // no MIME sniffing, no referrer. The /v1 JSON API adds helmet's strict default policy below.
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: { 'default-src': helmet.contentSecurityPolicy.dangerouslyDisableDefaultSrc, 'frame-ancestors': ["'none'"], 'base-uri': ["'self'"], 'object-src': ["'none'"], 'form-action': ["'self'"] } },
      frameguard: { action: 'deny' },
      // The web app may be served over plain http on a shop's LAN (web-app.ts); /v1 sets HSTS.
      strictTransportSecurity: false,
    }),
  );

  app.use(serviceRouter(deps));

  // The reference UI: Swagger UI's files from node_modules, so /docs works with no network.
  app.get('/docs/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  app.get('/docs', (_req, res) => {
    res.type('html').send(renderDocsPage());
  });
  app.get('/docs/docs.css', (_req, res) => {
    res.type('text/css').send(docsStylesheet);
  });
  app.get('/docs/init.js', (_req, res) => {
    res.type('text/javascript').send(docsInitScript);
  });
  app.use('/docs/assets', express.static(swaggerUi.getAbsoluteFSPath(), { index: false, maxAge: '1d' }));

  const limits = deps.rateLimitStore && deps.config.RATE_LIMIT_ENABLED ? createRateLimits(deps.rateLimitStore, deps.config) : undefined;
  const byAddress = limits?.byAddress ?? passThrough;
  const byPrincipal = limits?.byPrincipal ?? passThrough;
  app.use(['/v1', '/admin'], byAddress);

  const board = new ExpressAdapter();
  board.setBasePath('/admin/queues');
  createBullBoard({ queues: ALL_QUEUES.map((name) => new BullMQAdapter(deps.producer.queue({ queue: name }))), serverAdapter: board });
  const sessionIdleMs = deps.config.SESSION_IDLE_TIMEOUT_MS;
  app.use('/admin/queues', dashboardGuard, authenticate(deps.db, { basicRealm: 'gondola queues', sessionIdleMs, csrf: 'same-origin' }), byPrincipal, requireRole(), board.getRouter());

  app.use('/v1', v1Router(deps, byPrincipal));
  app.use(webAppRouter());

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
