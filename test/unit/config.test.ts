import test from 'ava';
import { loadConfig } from '../../src/shared/config.js';
import { ConfigError } from '../../src/shared/errors.js';

test('loadConfig applies defaults', (t) => {
  const c = loadConfig({});
  t.is(c.PORT, 8080);
  t.is(c.QUEUE_PREFIX, '{gondola}');
  t.true(c.WORKER_QUEUES.includes('stock-movements'));
});

test('loadConfig reports every bad key at once', (t) => {
  const err = t.throws(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'nope', WORKER_QUEUES: 'stock-movements,bogus', GONDOLA_ADMIN_API_KEY: 'short' }), { instanceOf: ConfigError });
  const keys = err!.problems.map((p) => p.split(':')[0]);
  t.deepEqual(keys.sort(), ['DATABASE_URL', 'GONDOLA_ADMIN_API_KEY', 'PORT', 'WORKER_QUEUES']);
});

test('WORKER_QUEUES selects a subset', (t) => {
  t.deepEqual(loadConfig({ WORKER_QUEUES: 'stock-movements, invoice-ingest' }).WORKER_QUEUES, ['stock-movements', 'invoice-ingest']);
});
