import type { NextFunction, Request, Response } from 'express';
import { AppError, clientInputErrorOf, isUnavailableError, PermanentError, ServiceUnavailableError, TooManyRequestsError } from '../../shared/errors.js';
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
  if (err instanceof ServiceUnavailableError) res.setHeader('Retry-After', String(err.retryAfterS));
  if (err instanceof TooManyRequestsError) res.setHeader('Retry-After', String(err.retryAfterSeconds));
  if (err instanceof AppError) {
    sendProblem(res, err.status, err.code, err.message, err.details ?? {});
    return;
  }
  if (err instanceof PermanentError) {
    // A business rule refused the request (the same error a job would fail for good with): the
    // client's to fix, so a 4xx with its message; the cause stays in the log only.
    log.warn('request refused by a business rule', { code: err.code, err, cause: err.cause, method: req.method, path: req.path });
    sendProblem(res, 422, err.code, err.message);
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
  const name = (err as Error | null)?.name;
  if (name === 'MulterError' || /Unexpected end of form|Malformed part header|Boundary not found|Multipart:|Malformed urlencoded form/i.test(String(e?.message))) {
    const tooLarge = (err as { code?: string }).code === 'LIMIT_FILE_SIZE';
    sendProblem(res, tooLarge ? 413 : 400, tooLarge ? 'payload_too_large' : 'malformed_multipart', `the multipart form is invalid: ${e.message}; send one file in the field named in /docs`);
    return;
  }
  if (isUnavailableError(err)) {
    log.warn('dependency unavailable', { err: { message: (err as Error).message, code: (err as { code?: string }).code }, method: req.method, path: req.path });
    res.setHeader('Retry-After', '5');
    sendProblem(res, 503, 'service_unavailable', 'the database or the job queue is unreachable right now; retry in a few seconds (with the same Idempotency-Key for writes)');
    return;
  }
  const input = clientInputErrorOf(err);
  if (input) {
    log.warn('database refused client input', { err, method: req.method, path: req.path });
    sendProblem(res, input.status, input.code, input.message, input.details ?? {});
    return;
  }
  log.error('unhandled error', { err, method: req.method, path: req.path });
  sendProblem(res, 500, 'internal_error', 'something went wrong on our side; the request id in X-Request-Id helps find it');
}
