import test from 'ava';
import { metricsOpenToLocal } from '../../src/shared/metrics.js';

test('unauthenticated /metrics on the public port is open to loopback only, never to a forwarded request', (t) => {
  t.true(metricsOpenToLocal('127.0.0.1', undefined));
  t.true(metricsOpenToLocal('::1', undefined));
  t.true(metricsOpenToLocal('::ffff:127.0.0.1', undefined));
  t.false(metricsOpenToLocal('192.168.0.20', undefined));
  t.false(metricsOpenToLocal('::ffff:10.0.0.5', undefined));
  t.false(metricsOpenToLocal(undefined, undefined));
  t.false(metricsOpenToLocal('127.0.0.1', '203.0.113.7'));
});
