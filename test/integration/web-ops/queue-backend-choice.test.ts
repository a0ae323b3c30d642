import net from 'node:net';
import test from 'ava';
import { loadConfig } from '../../../src/shared/config.js';
import { chooseQueueBackend } from '../../../src/shared/bootstrap.js';

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** A port something answers on, for the probe (a plain TCP listener is enough: the probe only connects). */
async function openPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer((s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

test('QUEUE_BACKEND, when given, decides; an unknown value is a configuration error naming the key', async (t) => {
  const closed = await closedPort();
  const choice = await chooseQueueBackend(loadConfig({ QUEUE_BACKEND: 'redis', LOCAL_REDIS_PROBE: `127.0.0.1:${closed}` }));
  t.is(choice.kind, 'redis');
  t.regex(choice.why, /QUEUE_BACKEND=redis/);
  t.throws(() => loadConfig({ QUEUE_BACKEND: 'kafka' }), { message: /QUEUE_BACKEND/ });
});

test('unset: Redis when REDIS_URL is set, even with nothing at the probe', async (t) => {
  const closed = await closedPort();
  const choice = await chooseQueueBackend(loadConfig({ REDIS_URL: 'redis://10.0.0.9:6379', LOCAL_REDIS_PROBE: `127.0.0.1:${closed}` }));
  t.deepEqual([choice.kind, choice.redisUrl], ['redis', 'redis://10.0.0.9:6379']);
  t.regex(choice.why, /REDIS_URL is set/);
});

test('unset: Redis at the probe address when one answers there, else PostgreSQL, each with the reason', async (t) => {
  const open = await openPort();
  try {
    const found = await chooseQueueBackend(loadConfig({ LOCAL_REDIS_PROBE: `127.0.0.1:${open.port}` }));
    t.is(found.kind, 'redis');
    t.is(new URL(found.redisUrl).port, String(open.port), 'REDIS_URL points at the probed address');
  } finally {
    await open.close();
  }
  const closed = await closedPort();
  const none = await chooseQueueBackend(loadConfig({ LOCAL_REDIS_PROBE: `127.0.0.1:${closed}` }));
  t.is(none.kind, 'postgres');
  t.regex(none.why, new RegExp(`no Redis answers at 127\\.0\\.0\\.1:${closed}`));
  t.is((await chooseQueueBackend(loadConfig({ LOCAL_REDIS_PROBE: 'off' }))).kind, 'postgres', 'probe off: PostgreSQL');
});
