import type { NextFunction, Request, Response } from 'express';
import { AppError, TooManyRequestsError } from '../../shared/errors.js';
import { logger } from '../../shared/logging.js';

const log = logger.child({ component: 'api' });

/** RFC 9457 problem details with a stable `code`. */
export function sendProblem(res: Response, status: number, code: string, detail: string, extra: Record<string, unknown> = {}): void {
  res.status(status).type('application/problem+json').json({ type: `https://gondola.local/problems/${code}`, title: code.replace(/_/g, ' '), status, code, detail, ...extra });
}

export function notFoundHandler(req: Request, res: Response): void {
  sendProblem(res, 404, 'route_not_found', `no route ${req.method} ${req.path}; see /docs for the API`);
}

/** The one place errors become HTTP responses. */
export function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  if (res.headersSent) return;
  if (err instanceof AppError) {
    if (err instanceof TooManyRequestsError) res.setHeader('Retry-After', String(err.retryAfterSeconds));
    sendProblem(res, err.status, err.code, err.message, err.details ?? {});
    return;
  }
  const e = err as { type?: string; status?: number; message?: string };
  if (e?.type === 'entity.parse.failed') {
    sendProblem(res, 400, 'malformed_json', `the request body is not valid JSON: ${e.message}`);
    return;
  }
  if (e?.type === 'entity.too.large') {
    sendProblem(res, 413, 'payload_too_large', 'the request body is too large');
    return;
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    sendProblem(res, e.status, 'bad_request', e.message ?? 'bad request');
    return;
  }
  log.error('unhandled error', { err, method: req.method, path: req.path });
  sendProblem(res, 500, 'internal_error', 'something went wrong on our side; the request id in X-Request-Id helps find it');
}
