import test from 'ava';
import { PermanentError } from '../../src/shared/errors.js';

test('a PermanentError keeps the error behind it as its cause, with its code', (t) => {
  const behind = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
  const err = new PermanentError('index source file /x.csv does not exist', 'index_source_missing', { cause: behind });
  t.is(err.cause, behind);
  t.is(err.code, 'index_source_missing');
  t.is(err.name, 'PermanentError');
  t.is(new PermanentError('no cause').cause, undefined);
  t.is(new PermanentError('no code').code, 'permanent_failure');
});
