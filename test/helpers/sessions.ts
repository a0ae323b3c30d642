/** Signing in over HTTP as a browser would: the session cookie and the CSRF token. */
export interface BrowserSession {
  cookie: string;
  csrfToken: string;
  setCookie: string;
  user: { id: number; username: string; displayName: string; role: string };
}

export async function signInHttp(baseUrl: string, username: string, password: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${baseUrl}/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ username, password }) });
  const body = (await res.json()) as any;
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('gondola_session=')) ?? '';
  const session: BrowserSession | undefined = res.status === 201 ? { cookie: setCookie.split(';')[0]!, csrfToken: body.csrfToken, setCookie, user: body.user } : undefined;
  return { status: res.status, body, headers: res.headers, session };
}

/** A request with the session's cookie (and its CSRF token unless `csrf` says otherwise). */
export async function sessionFetch(baseUrl: string, s: BrowserSession, path: string, init: { method?: string; json?: unknown; csrf?: string | null; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { cookie: s.cookie, ...init.headers };
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const csrf = init.csrf === undefined ? s.csrfToken : init.csrf;
  if (csrf !== null) headers['x-csrf-token'] = csrf;
  const res = await fetch(`${baseUrl}${path}`, { method: init.method ?? 'GET', headers, body: init.json !== undefined ? JSON.stringify(init.json) : undefined });
  const text = await res.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body, headers: res.headers };
}
