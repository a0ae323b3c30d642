import type { NextFunction, Request, Response } from 'express';
import { ForbiddenError } from '../../shared/errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The queue dashboard takes Basic credentials a browser replays by itself, so a page elsewhere
 * could post a form to it (retry, clean, remove jobs). Writes must come from a page of this site:
 * a browser says so in `Sec-Fetch-Site` (or at least `Origin`); a client that sends neither is
 * not a browser and cannot be driven cross-site.
 */
export function dashboardGuard(req: Request, _res: Response, next: NextFunction): void {
  if (SAFE_METHODS.has(req.method)) return next();
  const site = req.header('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') throw new ForbiddenError(`the queue dashboard refuses changes from another site (Sec-Fetch-Site: ${site})`, 'csrf_origin_mismatch');
  const origin = req.header('origin');
  if (origin) {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (host !== req.header('host')) throw new ForbiddenError('the queue dashboard refuses changes from another origin', 'csrf_origin_mismatch');
  }
  next();
}
