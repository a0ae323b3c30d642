import test from 'ava';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';
import { newApiKey } from '../../helpers/factories.js';
import { createTestDatabase } from '../../helpers/db.js';
import { PostgresRateLimitStore } from '../../../src/shared/rate-limit.js';

let sys: TestSystem;
test.before(async () => {
  sys = await startTestSystem({ workers: false, env: { RATE_LIMIT_PER_KEY: '40', RATE_LIMIT_PER_ADDRESS: '100000', RATE_LIMIT_AUTH_FAILURES: '10', RATE_LIMIT_WINDOW_S: '60', TRUST_PROXY: 'true' } });
});
test.after.always(async () => {
  await sys?.close();
});

test.serial('a flood of wrong keys is throttled with 429 and Retry-After after the failure limit, without a key lookup each', async (t) => {
  const statuses: Record<number, number> = {};
  let sample: { headers: Headers; body: any } | undefined;
  for (let i = 0; i < 200; i += 20) {
    const batch = await Promise.all(Array.from({ length: 20 }, (_, j) => sys.http('/v1/stock', { key: `wrong-key-${i + j}-0123456789abcdef`, headers: { 'x-forwarded-for': '203.0.113.7' } })));
    for (const r of batch) {
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      if (r.status === 429) sample ??= r;
    }
  }
  t.log({ statuses });
  // A 429 is decided before authentication: only the 401s cost a key lookup.
  t.is((statuses[401] ?? 0) + (statuses[429] ?? 0), 200);
  t.true((statuses[401] ?? 0) <= 30, 'only the first failures (plus those in flight) reach authentication');
  t.truthy(sample);
  t.regex(sample!.headers.get('retry-after') ?? '', /^\d+$/);
  t.regex(sample!.headers.get('ratelimit-policy') ?? '', /"auth-failures";q=10;w=300/);
  t.is(sample!.body.code, 'rate_limited');
});

test.serial('an API key over its limit gets 429 with RateLimit headers; another key is not affected', async (t) => {
  const key = await newApiKey(sys.database.db, 'viewer');
  const other = await newApiKey(sys.database.db, 'viewer');
  const first = await sys.http('/v1/locations', { key });
  t.is(first.status, 200);
  t.regex(first.headers.get('ratelimit-policy') ?? '', /"per-key";q=40;w=60/);
  t.regex(first.headers.get('ratelimit') ?? '', /"per-key";r=39;t=\d+/);
  const statuses = [];
  for (let i = 0; i < 45; i++) statuses.push((await sys.http('/v1/locations', { key })).status);
  t.is(statuses.filter((s) => s === 200).length, 39);
  t.is(statuses.filter((s) => s === 429).length, 6);
  t.is((await sys.http('/v1/locations', { key: other })).status, 200);
  // The address that flooded wrong keys stays refused, even with a valid key; others are not.
  const blocked = await sys.http('/v1/locations', { key: other, headers: { 'x-forwarded-for': '203.0.113.7' } });
  t.is(blocked.status, 429);
});

test('the PostgreSQL store counts hits in fixed windows like the Redis one', async (t) => {
  const database = await createTestDatabase();
  try {
    const store = new PostgresRateLimitStore(database.db);
    const hits = [];
    for (let i = 0; i < 5; i++) hits.push(await store.hit('k1', 60_000));
    t.deepEqual(hits.map((h) => h.count), [1, 2, 3, 4, 5]);
    t.true(hits[4]!.resetMs > 0 && hits[4]!.resetMs <= 60_000);
    t.is((await store.peek('k1')).count, 5);
    t.is((await store.peek('other')).count, 0);
    await store.hit('short', 50);
    await new Promise((r) => setTimeout(r, 120));
    t.is((await store.hit('short', 50)).count, 1, 'a new window starts at 1');
  } finally {
    await database.drop();
  }
});
