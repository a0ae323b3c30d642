import { randomUUID } from 'node:crypto';
import type { Express, NextFunction, Request, Response } from 'express';
import { runWithContext } from '../../shared/context.js';
import { httpDuration, httpRequests } from '../../shared/metrics.js';

const kRoute = Symbol('route');
const kTemplate = Symbol('routeTemplate');
type Tracked = Request & { [kRoute]?: unknown; [kTemplate]?: string };

/**
 * Records the route template (`/v1/products/:id`) of each request as the router matches it. The
 * router resets `req.baseUrl` when an error leaves it, so the mount path is read at the moment a
 * route matches: the router assigns `req.route` then. The accessor sits on the app's request
 * prototype (Express's extension point for `req`), once: an accessor defined on every request
 * object gave each one a shape of its own and slowed every property read on `req` in the stack
 * (measured: ≈ 75 µs of CPU per request).
 */
export function trackRouteTemplates(app: Express): void {
  Object.defineProperty(app.request, 'route', {
    configurable: true,
    get(this: Tracked) {
      return this[kRoute];
    },
    set(this: Tracked, route: { path?: string } | undefined) {
      this[kRoute] = route;
      if (route?.path) this[kTemplate] = `${this.baseUrl}${route.path === '/' ? '' : route.path}` || '/';
    },
  });
}

/**
 * Request id (accepted from `X-Request-Id` when sane), log context, and HTTP metrics by route
 * template (needs `trackRouteTemplates` on the app).
 */
export function requestContext(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.header('x-request-id');
  const requestId = incoming && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', requestId);
  const start = process.hrtime.bigint();
  res.on('finish', () => {
    // Route templates only (never raw paths): ids in paths would explode label cardinality.
    const route = (req as Tracked)[kTemplate] ?? 'unmatched';
    const labels = { method: req.method, route, status: String(res.statusCode) };
    httpRequests.inc(labels);
    httpDuration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
  });
  runWithContext({ requestId }, next);
}
