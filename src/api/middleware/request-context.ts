import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { runWithContext } from '../../shared/context.js';
import { httpDuration, httpRequests } from '../../shared/metrics.js';

/** Request id (accepted from `X-Request-Id` when sane), log context, and HTTP metrics by route template. */
export function requestContext(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.header('x-request-id');
  const requestId = incoming && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', requestId);
  const start = process.hrtime.bigint();
  // The router resets req.baseUrl when an error leaves it, so the mount path is captured at the
  // moment a route matches (the router assigns req.route then).
  let template = 'unmatched';
  let matched: unknown;
  Object.defineProperty(req, 'route', {
    configurable: true,
    get: () => matched,
    set: (route: { path?: string } | undefined) => {
      matched = route;
      if (route?.path) template = `${req.baseUrl}${route.path === '/' ? '' : route.path}` || '/';
    },
  });
  res.on('finish', () => {
    // Route templates only (never raw paths): ids in paths would explode label cardinality.
    const route = template;
    const labels = { method: req.method, route, status: String(res.statusCode) };
    httpRequests.inc(labels);
    httpDuration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
  });
  runWithContext({ requestId }, next);
}
