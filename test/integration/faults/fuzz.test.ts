import test from 'ava';
import { openApiDocument } from '../../../src/api/openapi.js';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';
import { fuzzApi } from '../../fuzz/fuzz.js';

let sys: TestSystem;
test.before(async () => {
  sys = await startTestSystem({ workers: false, env: { RATE_LIMIT_ENABLED: 'false' } });
});
test.after.always(async () => {
  await sys?.close();
});

test('fuzz (short): generated and hostile requests to every operation of the OpenAPI document — no 5xx, no row written by a 4xx, integrity clean', async (t) => {
  t.timeout(240_000);
  const doc = JSON.parse(JSON.stringify(openApiDocument()));
  const result = await fuzzApi(sys, doc, { perOperation: 6, seed: 11 });
  t.log(`${result.operations} operations, ${result.requests} requests; skipped ${result.skipped.join(', ')}`);
  t.true(result.operations >= 40, `${result.operations} operations`);
  t.deepEqual(result.fiveHundreds, []);
  t.deepEqual(result.writesBy4xx, []);
  t.true(result.integrityOk);
});
