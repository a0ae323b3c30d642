import createClient, { type Middleware } from 'openapi-fetch';
import type { paths as generatedPaths } from './schema';
import type { supplementPaths } from './supplement';
import { ApiError } from './problem';

/** Every path the app may call: the generated document, with the supplement for what it does not describe yet. */
export type paths = Omit<generatedPaths, keyof supplementPaths> & supplementPaths;

let csrfToken: string | null = null;
/** Set from `POST /v1/sessions` and `GET /v1/me`; sent as `X-CSRF-Token` on every write. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const csrf: Middleware = {
  onRequest({ request }) {
    if (request.method !== 'GET' && request.method !== 'HEAD' && csrfToken) request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
};

/**
 * The one HTTP client of the app (no other fetch calls): typed by the OpenAPI document, cookie
 * session (`credentials: same-origin`), CSRF header on writes.
 */
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(csrf);

type Result<T> = { data?: T; error?: unknown; response: Response };

/** Returns the data of a 2xx answer or throws an {@link ApiError} built from the problem body. */
export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  let r: Result<T>;
  try {
    r = await call;
  } catch (err) {
    throw new ApiError(0, 'network_error', err instanceof Error ? err.message : String(err));
  }
  if (r.response.ok) return r.data as T;
  const body = (r.error && typeof r.error === 'object' ? r.error : {}) as Record<string, unknown>;
  const retry = Number(r.response.headers.get('retry-after'));
  throw new ApiError(
    r.response.status,
    typeof body.code === 'string' ? body.code : `http_${r.response.status}`,
    typeof body.detail === 'string' ? body.detail : typeof r.error === 'string' ? r.error : '',
    body,
    Number.isFinite(retry) && retry > 0 ? retry : undefined,
  );
}

/** A fresh key for one form submission (double clicks and retries reuse it: one effect). */
export function newIdempotencyKey(prefix = 'web'): string {
  // getRandomValues works on plain http too (a shop LAN), randomUUID only in secure contexts.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
