import test from 'ava';
import { sql } from 'kysely';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';
import { newLocation, newProduct, newUser, receiveStock } from '../../helpers/factories.js';
import { sessionFetch, signInHttp } from '../../helpers/sessions.js';

let sys: TestSystem;
// Each test signs in from its own client address (X-Forwarded-For with TRUST_PROXY), so the
// per-address counters of one test do not lock another.
let addressSeq = 0;
const newAddress = () => `10.0.${Math.floor(++addressSeq / 250)}.${addressSeq % 250}`;

test.before(async () => {
  sys = await startTestSystem({ workers: false, env: { TRUST_PROXY: 'true', LOGIN_FAILURE_DELAY_MS: '5', LOGIN_USERNAME_FAILURE_LIMIT: '5', LOGIN_ADDRESS_FAILURE_LIMIT: '8' } });
});
test.after.always(async () => {
  await sys?.close();
});

const signIn = (username: string, password: string, address = newAddress()) => signInHttp(sys.baseUrl, username, password, { 'x-forwarded-for': address });

test('signing in answers 201 with the user and a CSRF token, and sets an HttpOnly SameSite=Strict cookie; GET /v1/me knows the session', async (t) => {
  const user = await newUser(sys.database.db, { role: 'deposito' });
  const res = await signIn(user.username.toUpperCase(), user.password);
  t.is(res.status, 201);
  t.deepEqual(res.body.user, { id: user.id, username: user.username, displayName: user.displayName, role: 'deposito' });
  t.regex(res.body.csrfToken, /^[\w-]{40,}$/);
  const cookie = res.session!.setCookie;
  t.regex(cookie, /^gondola_session=[\w-]{40,};/);
  t.regex(cookie, /HttpOnly/i);
  t.regex(cookie, /SameSite=Strict/i);
  t.regex(cookie, /Path=\//);
  t.notRegex(cookie, /Secure/i, 'plain http: not Secure');
  const me = await sessionFetch(sys.baseUrl, res.session!, '/v1/me');
  t.is(me.status, 200);
  t.deepEqual(me.body, { user: res.body.user, csrfToken: res.body.csrfToken });
  t.regex(me.headers.get('ratelimit-policy') ?? '', /"per-user"/, 'a session is rate-limited as its user');
  const row = await sys.database.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
  t.regex(row.password_hash, /^\$argon2id\$/);
  const session = await sys.database.db.selectFrom('sessions').selectAll().where('user_id', '=', user.id).executeTakeFirstOrThrow();
  t.false(res.session!.cookie.includes(session.token_hash), 'only a hash of the token is stored');
});

test('the cookie is Secure when the request came over TLS (X-Forwarded-Proto with a trusted proxy)', async (t) => {
  const user = await newUser(sys.database.db);
  const res = await signInHttp(sys.baseUrl, user.username, user.password, { 'x-forwarded-for': newAddress(), 'x-forwarded-proto': 'https' });
  t.is(res.status, 201);
  t.regex(res.session!.setCookie, /Secure/);
});

test('a wrong password and an unknown user get the same 401 invalid_credentials', async (t) => {
  const user = await newUser(sys.database.db);
  const wrong = await signIn(user.username, 'not the password');
  const unknown = await signIn('nobody-here', 'not the password');
  t.is(wrong.status, 401);
  t.is(unknown.status, 401);
  t.is(wrong.body.code, 'invalid_credentials');
  t.deepEqual({ ...wrong.body }, { ...unknown.body });
  t.is(wrong.session, undefined);
  t.is(wrong.headers.getSetCookie().length, 0);
});

test('five wrong passwords lock the username: 429 login_locked with Retry-After, also for the right password and from another address', async (t) => {
  const user = await newUser(sys.database.db);
  const statuses: number[] = [];
  let last;
  for (let i = 0; i < 5; i++) {
    last = await signIn(user.username, `wrong password ${i}`);
    statuses.push(last.status);
  }
  t.deepEqual(statuses, [401, 401, 401, 401, 429]);
  t.is(last!.body.code, 'login_locked');
  const retryAfter = Number(last!.headers.get('retry-after'));
  t.true(retryAfter > 14 * 60 && retryAfter <= 15 * 60, `Retry-After ${retryAfter}`);
  t.regex(last!.body.detail, /locked for 15 minutes, try again after \d\d:\d\d/);
  const right = await signIn(user.username, user.password);
  t.is(right.status, 429);
  t.is(right.body.code, 'login_locked');
  t.truthy(right.headers.get('retry-after'));
  // Once the lock is over (moved back in the database), the right password works and clears the count.
  await sql`UPDATE login_failures SET locked_until = now() - interval '1 second', window_started_at = now() - interval '1 hour' WHERE scope = 'username' AND key = ${user.username}`.execute(sys.database.db);
  t.is((await signIn(user.username, user.password)).status, 201);
  t.is((await sys.database.db.selectFrom('login_failures').select('failures').where('scope', '=', 'username').where('key', '=', user.username).executeTakeFirst()), undefined);
});

test('wrong passwords from one address for many usernames lock that address, not others', async (t) => {
  const address = newAddress();
  const users = await Promise.all(Array.from({ length: 8 }, () => newUser(sys.database.db)));
  const statuses = [];
  for (const u of users) statuses.push((await signIn(u.username, 'definitely wrong', address)).status);
  t.deepEqual(statuses, [401, 401, 401, 401, 401, 401, 401, 429]);
  const fine = await newUser(sys.database.db);
  const locked = await signIn(fine.username, fine.password, address);
  t.is(locked.status, 429);
  t.regex(locked.body.detail, /this device/);
  t.is((await signIn(fine.username, fine.password)).status, 201, 'another address signs in');
});

test('a cookie write without X-CSRF-Token is refused 403 csrf_token_missing, with a wrong one csrf_token_invalid, and nothing is recorded', async (t) => {
  const user = await newUser(sys.database.db, { role: 'deposito' });
  const { session } = await signIn(user.username, user.password);
  const loc = await newLocation(sys.database.db);
  const product = await newProduct(sys.database.db);
  const body = { sku: product.sku, location: loc.code, type: 'receipt', quantity: '3' };
  const missing = await sessionFetch(sys.baseUrl, session!, '/v1/stock-movements', { method: 'POST', json: body, csrf: null });
  t.is(missing.status, 403);
  t.is(missing.body.code, 'csrf_token_missing');
  t.is(missing.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  const wrong = await sessionFetch(sys.baseUrl, session!, '/v1/stock-movements', { method: 'POST', json: body, csrf: session!.csrfToken.slice(0, -2) + 'xx' });
  t.is(wrong.status, 403);
  t.is(wrong.body.code, 'csrf_token_invalid');
  const requests = await sys.database.db.selectFrom('movement_requests').select('id').where('product_id', '=', product.id).execute();
  t.is(requests.length, 0);
  const ok = await sessionFetch(sys.baseUrl, session!, '/v1/stock-movements', { method: 'POST', json: body });
  t.is(ok.status, 202);
  t.is(ok.body.status, 'queued');
  // Reads need no token.
  t.is((await sessionFetch(sys.baseUrl, session!, '/v1/stock', { csrf: null })).status, 200);
});

test('API keys keep working without a CSRF token, and /v1/me describes the key', async (t) => {
  const loc = await newLocation(sys.database.db);
  const product = await newProduct(sys.database.db);
  const res = await sys.http('/v1/stock-movements', { method: 'POST', json: { sku: product.sku, location: loc.code, type: 'receipt', quantity: '1' } });
  t.is(res.status, 202);
  const me = await sys.http('/v1/me');
  t.is(me.status, 200);
  t.is(me.body.user, null);
  t.like(me.body.apiKey, { name: 'test admin', role: 'admin' });
  t.is((await sys.http('/v1/me', { key: '' })).status, 401);
  const viaHeader = await fetch(`${sys.baseUrl}/v1/me`, { headers: { 'x-api-key': sys.adminKey } });
  t.is(viaHeader.status, 200);
});

test('a viewer session may read but not POST a movement: 403 forbidden', async (t) => {
  const viewer = await newUser(sys.database.db, { role: 'viewer' });
  const { session } = await signIn(viewer.username, viewer.password);
  const loc = await newLocation(sys.database.db);
  const product = await newProduct(sys.database.db);
  await receiveStock(sys.database.db, product.id, loc.id, '5');
  const res = await sessionFetch(sys.baseUrl, session!, '/v1/stock-movements', { method: 'POST', json: { sku: product.sku, location: loc.code, type: 'sale', quantity: '1' } });
  t.is(res.status, 403);
  t.is(res.body.code, 'forbidden');
  t.regex(res.body.detail, /your user has role viewer/);
  t.is((await sessionFetch(sys.baseUrl, session!, `/v1/stock?sku=${product.sku}`)).body.items[0].quantity, '5');
  t.is((await sessionFetch(sys.baseUrl, session!, '/v1/users')).status, 403);
});

test('deactivating a user revokes its sessions at once and it can no longer sign in', async (t) => {
  const user = await newUser(sys.database.db, { role: 'deposito' });
  const a = (await signIn(user.username, user.password)).session!;
  const b = (await signIn(user.username, user.password)).session!;
  t.is((await sessionFetch(sys.baseUrl, a, '/v1/me')).status, 200);
  const patched = await sys.http(`/v1/users/${user.id}`, { method: 'PATCH', json: { active: false } });
  t.is(patched.status, 200);
  t.like(patched.body, { active: false, sessionsRevoked: 2 });
  for (const s of [a, b]) {
    const me = await sessionFetch(sys.baseUrl, s, '/v1/me');
    t.is(me.status, 401);
    t.is(me.body.code, 'session_expired');
  }
  const rows = await sys.database.db.selectFrom('sessions').select('revoked_reason').where('user_id', '=', user.id).execute();
  t.deepEqual(rows.map((r) => r.revoked_reason), ['user_deactivated', 'user_deactivated']);
  t.is((await signIn(user.username, user.password)).status, 401);
});

test('a password change revokes the sessions; the new password signs in, the old one does not', async (t) => {
  const user = await newUser(sys.database.db);
  const s = (await signIn(user.username, user.password)).session!;
  const before = await sys.database.db.selectFrom('users').select('password_changed_at').where('id', '=', user.id).executeTakeFirstOrThrow();
  const patched = await sys.http(`/v1/users/${user.id}`, { method: 'PATCH', json: { password: 'a brand new passphrase' } });
  t.is(patched.status, 200);
  t.is(patched.body.sessionsRevoked, 1);
  t.true(new Date(patched.body.passwordChangedAt) > before.password_changed_at);
  t.is((await sessionFetch(sys.baseUrl, s, '/v1/me')).status, 401);
  t.is((await signIn(user.username, user.password)).status, 401);
  t.is((await signIn(user.username, 'a brand new passphrase')).status, 201);
});

test('a session idle for more than 12 hours is over; one used recently is not', async (t) => {
  const user = await newUser(sys.database.db);
  const s = (await signIn(user.username, user.password)).session!;
  await sql`UPDATE sessions SET last_seen_at = now() - interval '11 hours 59 minutes' WHERE user_id = ${user.id}`.execute(sys.database.db);
  t.is((await sessionFetch(sys.baseUrl, s, '/v1/me')).status, 200);
  const touched = await sys.database.db.selectFrom('sessions').select(sql<boolean>`last_seen_at > now() - interval '1 minute'`.as('recent')).where('user_id', '=', user.id).executeTakeFirstOrThrow();
  t.true(touched.recent, 'using a session moves last_seen_at');
  await sql`UPDATE sessions SET last_seen_at = now() - interval '12 hours 1 minute' WHERE user_id = ${user.id}`.execute(sys.database.db);
  const me = await sessionFetch(sys.baseUrl, s, '/v1/me');
  t.is(me.status, 401);
  t.is(me.body.code, 'session_expired');
});

test('signing out ends the session and clears the cookie; it needs the CSRF token too', async (t) => {
  const user = await newUser(sys.database.db);
  const s = (await signIn(user.username, user.password)).session!;
  const noToken = await sessionFetch(sys.baseUrl, s, '/v1/sessions/current', { method: 'DELETE', csrf: null });
  t.is(noToken.status, 403);
  const out = await sessionFetch(sys.baseUrl, s, '/v1/sessions/current', { method: 'DELETE' });
  t.is(out.status, 204);
  t.regex(out.headers.getSetCookie()[0] ?? '', /^gondola_session=;.*Expires=Thu, 01 Jan 1970/);
  t.is((await sessionFetch(sys.baseUrl, s, '/v1/me')).status, 401);
  t.is((await sys.http('/v1/sessions/current', { method: 'DELETE' })).body.code, 'not_a_session');
});

test('admins manage users: list, create, bad passwords are a 400 naming the field, taken usernames a 409, the last admin stays', async (t) => {
  const short = await sys.http('/v1/users', { method: 'POST', json: { username: 'cajera1', displayName: 'Cajera', role: 'deposito', password: 'short' } });
  t.is(short.status, 400);
  t.is(short.body.errors[0].path, 'password');
  t.regex(short.body.detail, /at least 10 characters/);
  const containsName = await sys.http('/v1/users', { method: 'POST', json: { username: 'cajera1', displayName: 'Cajera', role: 'deposito', password: 'cajera1-secret' } });
  t.is(containsName.status, 400);
  t.is(containsName.body.errors[0].path, 'password');
  const badRole = await sys.http('/v1/users', { method: 'POST', json: { username: 'cajera1', displayName: 'Cajera', role: 'owner', password: 'long enough pass' } });
  t.is(badRole.status, 400);
  t.is(badRole.body.errors[0].path, 'role');
  const created = await sys.http('/v1/users', { method: 'POST', json: { username: 'Cajera1', displayName: 'Cajera', role: 'deposito', password: 'long enough pass' } });
  t.is(created.status, 201);
  t.like(created.body, { username: 'cajera1', displayName: 'Cajera', role: 'deposito', active: true });
  t.false('passwordHash' in created.body || 'password_hash' in created.body);
  const taken = await sys.http('/v1/users', { method: 'POST', json: { username: 'cajera1', displayName: 'Otra', role: 'viewer', password: 'long enough pass' } });
  t.is(taken.status, 409);
  t.is(taken.body.code, 'username_taken');
  const list = await sys.http('/v1/users');
  t.true(list.body.items.some((u: { username: string }) => u.username === 'cajera1'));
  t.is((await sys.http('/v1/users/999999', { method: 'PATCH', json: { active: false } })).status, 404);
  t.is((await sys.http(`/v1/users/${created.body.id}`, { method: 'PATCH', json: {} })).status, 400);

  // The only active admin cannot be demoted or deactivated.
  const admins = await sys.database.db.selectFrom('users').select('id').where('role', '=', 'admin').where('active', '=', true).execute();
  for (const a of admins) await sys.database.db.updateTable('users').set({ active: false }).where('id', '=', a.id).execute();
  const admin = await newUser(sys.database.db, { role: 'admin' });
  const demote = await sys.http(`/v1/users/${admin.id}`, { method: 'PATCH', json: { role: 'viewer' } });
  t.is(demote.status, 409);
  t.is(demote.body.code, 'last_admin');
  const s = (await signIn(admin.username, admin.password)).session!;
  const viaSession = await sessionFetch(sys.baseUrl, s, `/v1/users/${created.body.id}`, { method: 'PATCH', json: { role: 'negocio' } });
  t.is(viaSession.status, 200);
  t.is(viaSession.body.role, 'negocio');
});
