import test from 'ava';
import { failureDelayMs, passwordProblem, retryAfterSeconds } from '../../src/shared/domain/auth.js';

test('passwords need at least 10 characters, not only spaces, and not the username', (t) => {
  t.is(passwordProblem('123456789'), 'must be at least 10 characters long');
  t.is(passwordProblem('1234567890'), undefined);
  t.is(passwordProblem('          '), 'must not be only spaces');
  t.is(passwordProblem('maria-2026-xyz', 'Maria'), 'must not contain the username');
  t.is(passwordProblem('x'.repeat(201)), 'must be at most 200 characters long');
});

test('the pause after a wrong password doubles per failure and stops at the cap', (t) => {
  const policy = { baseDelayMs: 250, maxDelayMs: 2000 };
  t.deepEqual([0, 1, 2, 3, 4, 5, 50].map((n) => failureDelayMs(n, policy)), [0, 250, 500, 1000, 2000, 2000, 2000]);
  t.is(failureDelayMs(3, { baseDelayMs: 0, maxDelayMs: 2000 }), 0);
});

test('Retry-After is whole seconds, rounded up, at least 1', (t) => {
  const now = new Date('2026-01-01T00:00:00Z');
  t.is(retryAfterSeconds(new Date('2026-01-01T00:15:00Z'), now), 900);
  t.is(retryAfterSeconds(new Date('2026-01-01T00:00:00.200Z'), now), 1);
  t.is(retryAfterSeconds(new Date('2025-12-31T23:59:00Z'), now), 1);
});
