/**
 * `npm run fuzz [-- --per-operation N --valid N --mutated N --seed S]`: fuzzes every operation of the OpenAPI document
 * against an api on a database of its own (see test/fuzz/fuzz.ts). Prints counts per route and
 * one JSON summary line; exits non-zero on any 5xx, any row written by a 4xx, or broken integrity.
 */
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openApiDocument } from '../src/api/openapi.js';
import { startTestSystem } from '../test/helpers/system.js';
import { fuzzApi, seedFuzzData } from '../test/fuzz/fuzz.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const sys = await startTestSystem({ workers: false, env: { RATE_LIMIT_ENABLED: 'false', INFLATION_INDEX_SOURCE: path.join(tmpdir(), `gondola-fuzz-index-${process.pid}.csv`) } });
try {
  await seedFuzzData(sys);
  const per = arg('--per-operation', 60);
  const result = await fuzzApi(sys, JSON.parse(JSON.stringify(openApiDocument())), { perOperation: per, valid: arg('--valid', per), mutated: arg('--mutated', per), seed: arg('--seed', Date.now() % 100_000) });
  for (const [route, c] of Object.entries(result.perRoute)) console.error(`${route.padEnd(48)} ${String(c.requests).padStart(5)} req  2xx ${c['2xx']}  4xx ${c['4xx']}  5xx ${c['5xx']}  rows-by-4xx ${c.rowsWrittenBy4xx}`);
  for (const [route, why] of Object.entries(result.validRefusals)) console.error(`valid refused ${route}: ${why.join(' | ')}`);
  for (const f of result.fiveHundreds.slice(0, 20)) console.error(`5xx: ${f.status} ${f.request} → ${f.body}`);
  for (const w of result.writesBy4xx.slice(0, 20)) console.error(`4xx wrote ${w.tables.join(',')}: ${w.request}`);
  console.log(JSON.stringify({ fuzz: { operations: result.operations, requests: result.requests, kinds: result.kinds, fiveHundreds: result.fiveHundreds.length, writesBy4xx: result.writesBy4xx.length, integrityOk: result.integrityOk, skipped: result.skipped, perRoute: result.perRoute } }));
  process.exitCode = result.fiveHundreds.length || result.writesBy4xx.length || !result.integrityOk ? 1 : 0;
} finally {
  await sys.close();
}
