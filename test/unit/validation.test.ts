import test from 'ava';
import { findTextIssues, hasControlCharacters, isoDateTime, isoDay, MAX_JSON_DEPTH } from '../../src/shared/validation.js';
import { clientInputErrorOf, isUnavailableError } from '../../src/shared/errors.js';

test('control characters, NUL and lone surrogates are refused; tabs, newlines and accents are text', (t) => {
  for (const bad of ['a\u0000b', '\u0007', 'x\u007f', '\u0085', 'a\uD800', '\uDC00z', '\u001b[31m']) t.true(hasControlCharacters(bad), JSON.stringify(bad));
  for (const good of ['Leche La Serenísima 1 l', 'línea 1\nlínea 2\tcol', '🍎 manzana', 'ñandú', '']) t.false(hasControlCharacters(good), good);
});

test('isoDay accepts real calendar days only, within the supported years', (t) => {
  t.true(isoDay.safeParse('2024-02-29').success);
  for (const bad of ['2023-02-29', '2024-13-01', '2024-04-31', '0000-01-01', '9999-12-31', '2024-1-1', '2024-02-29T00:00:00Z']) t.false(isoDay.safeParse(bad).success, bad);
  t.true(isoDateTime.safeParse('2025-03-01T10:00:00-03:00').success);
  t.false(isoDateTime.safeParse('2025-02-30T10:00:00-03:00').success);
  t.false(isoDateTime.safeParse('0001-01-01T00:00:00Z').success);
});

test('findTextIssues names every bad field, keys included, and stops deep nesting without recursion', (t) => {
  const issues = findTextIssues({ a: 'ok', b: ['x', 'y\u0000'], ['k\u0001']: 1, c: { d: '\uD800' } }, '');
  t.deepEqual(issues.map((i) => i.path).sort(), ['b.1', 'c.d', 'k\u0001'].sort());
  let deep: unknown = 'leaf';
  for (let i = 0; i < 100_000; i++) deep = [deep];
  const deepIssues = findTextIssues(deep, 'body');
  t.is(deepIssues.length, 1);
  t.regex(deepIssues[0]!.message, new RegExp(`${MAX_JSON_DEPTH}`));
});

test('connection failures of PostgreSQL and Redis are "unavailable"; input errors are not', (t) => {
  const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });
  for (const e of [withCode('57P01'), withCode('57P03'), withCode('08006'), withCode('ECONNREFUSED'), new Error('Connection terminated unexpectedly'), new Error('Command timed out'), new Error("Stream isn't writeable and enableOfflineQueue options is false")]) {
    t.true(isUnavailableError(e), e.message);
  }
  t.false(isUnavailableError(withCode('22021')));
  t.false(isUnavailableError(new Error('something else')));
});

test('PostgreSQL input errors map to 4xx with stable codes', (t) => {
  const withCode = (code: string) => Object.assign(new Error('x'), { code });
  t.is(clientInputErrorOf(withCode('22021'))?.status, 400);
  t.is(clientInputErrorOf(withCode('22008'))?.status, 400);
  t.is(clientInputErrorOf(withCode('22003'))?.status, 400);
  t.is(clientInputErrorOf(withCode('23505'))?.status, 409);
  t.is(clientInputErrorOf(withCode('ECONNREFUSED')), undefined);
  t.is(clientInputErrorOf(withCode('42P01')), undefined);
});
