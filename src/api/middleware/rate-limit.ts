import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../../shared/config.js';
import { RateLimitedError } from '../../shared/errors.js';
import { logger } from '../../shared/logging.js';
import type { Hit, RateLimitStore } from '../../shared/rate-limit.js';

const log = logger.child({ component: 'rate-limit' });
/** A limiter slower than this lets the request through: a sick store must not become an outage. */
const STORE_BUDGET_MS = 250;

function withinBudget<T>(p: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), STORE_BUDGET_MS)))])
    .catch((err: unknown) => {
      warnOnce(err);
      return undefined;
    })
    .finally(() => clearTimeout(timer));
}

let lastWarn = 0;
function warnOnce(err: unknown) {
  if (Date.now() - lastWarn < 10_000) return;
  lastWarn = Date.now();
  log.warn('rate limit store unavailable; requests pass unlimited', { err: (err as Error)?.message });
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** RFC draft "RateLimit header fields for HTTP": policy and remaining quota of the tightest limit. */
function setHeaders(res: Response, name: string, limit: number, windowS: number, hit: Hit) {
  res.setHeader('RateLimit-Policy', `"${name}";q=${limit};w=${windowS}`);
  res.setHeader('RateLimit', `"${name}";r=${Math.max(0, limit - hit.count)};t=${seconds(hit.resetMs)}`);
}

export interface RateLimits {
  /** Per client address, before authentication; also refuses addresses that failed authentication too often. */
  byAddress: (req: Request, res: Response, next: NextFunction) => Promise<void>;
  /** Per API key or user, after authentication. */
  byPrincipal: (req: Request, res: Response, next: NextFunction) => Promise<void>;
}

/**
 * Limits per address, per API key and per user, counted in a shared store. Failed
 * authentications (401 answers) count separately and much more strictly: past the limit the
 * address gets 429 before its key is looked up, so a flood of guessed keys costs no database work.
 */
export function createRateLimits(store: RateLimitStore, config: Config): RateLimits {
  const windowMs = config.RATE_LIMIT_WINDOW_S * 1000;
  const authWindowMs = config.RATE_LIMIT_AUTH_WINDOW_S * 1000;
  const address = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';
  // This replica's own count of failures per address: the gate holds even when the shared store
  // is slow or away (a flood must not get through because Redis is busy answering it).
  const localFailures = new Map<string, { count: number; until: number }>();
  const localFailuresOf = (ip: string): Hit | undefined => {
    const f = localFailures.get(ip);
    if (!f || f.until < Date.now()) return undefined;
    return { count: f.count, resetMs: f.until - Date.now() };
  };
  const countLocalFailure = (ip: string) => {
    const f = localFailures.get(ip);
    if (!f || f.until < Date.now()) {
      if (localFailures.size > 50_000) localFailures.clear();
      localFailures.set(ip, { count: 1, until: Date.now() + authWindowMs });
    } else f.count++;
  };

  return {
    byAddress: async (req, res, next) => {
      const ip = address(req);
      const local = localFailuresOf(ip);
      const [shared, hit] = await Promise.all([
        local && local.count >= config.RATE_LIMIT_AUTH_FAILURES ? Promise.resolve(undefined) : withinBudget(store.peek(`authfail:${ip}`)),
        withinBudget(store.hit(`addr:${ip}`, windowMs)),
      ]);
      const failures = [local, shared].filter((f): f is Hit => f !== undefined).sort((a, b) => b.count - a.count)[0];
      if (failures && failures.count >= config.RATE_LIMIT_AUTH_FAILURES) {
        res.setHeader('RateLimit-Policy', `"auth-failures";q=${config.RATE_LIMIT_AUTH_FAILURES};w=${config.RATE_LIMIT_AUTH_WINDOW_S}`);
        res.setHeader('RateLimit', `"auth-failures";r=0;t=${seconds(failures.resetMs)}`);
        throw new RateLimitedError(`too many failed authentications from this address; wait ${seconds(failures.resetMs)} s and check the API key`, seconds(failures.resetMs));
      }
      res.on('finish', () => {
        // A browser's first request without credentials (Basic challenge) is not a failed guess.
        const sentCredentials = Boolean(req.headers.authorization || req.headers['x-api-key']);
        if (res.statusCode === 401 && sentCredentials) {
          countLocalFailure(ip);
          void withinBudget(store.hit(`authfail:${ip}`, authWindowMs));
        }
      });
      if (hit) {
        setHeaders(res, 'per-address', config.RATE_LIMIT_PER_ADDRESS, config.RATE_LIMIT_WINDOW_S, hit);
        if (hit.count > config.RATE_LIMIT_PER_ADDRESS) throw new RateLimitedError(`too many requests from this address; retry in ${seconds(hit.resetMs)} s`, seconds(hit.resetMs));
      }
      next();
    },
    byPrincipal: async (req, res, next) => {
      const p = req.principal;
      if (!p) return next();
      const [name, key, limit] = p.kind === 'session' ? ['per-user', `user:${p.user.id}`, config.RATE_LIMIT_PER_USER] : ['per-key', `key:${p.keyId}`, config.RATE_LIMIT_PER_KEY];
      const hit = await withinBudget(store.hit(key as string, windowMs));
      if (hit) {
        setHeaders(res, name as string, limit as number, config.RATE_LIMIT_WINDOW_S, hit);
        if (hit.count > (limit as number)) throw new RateLimitedError(`too many requests for this ${name === 'per-user' ? 'user' : 'API key'}; retry in ${seconds(hit.resetMs)} s`, seconds(hit.resetMs));
      }
      next();
    },
  };
}
