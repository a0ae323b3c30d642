/**
 * `npm test`: reaches (or starts) PostgreSQL and Redis, prepares the template database,
 * type-checks the project (a missing job handler is a compile error) and the web app against the
 * API's current OpenAPI document (a changed API that breaks a page fails here), lints it (the
 * architecture rules: eslint.config.js), then runs the ava tests on both queue backends: every test
 * on Redis, then the queue-facing integration files (the exactly-once ones among them) again with
 * QUEUE_BACKEND=postgres, their titles marked `[postgres]` (`pretest` has built web/dist for the
 * browser tests). Where no Redis is reachable the Redis leg does not run, and the run says so.
 * Any step failing fails the run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { loadConfig } from '../src/shared/config.js';
import { chooseQueueBackend, ensureServices } from '../src/shared/bootstrap.js';
import { ensureTemplate } from './test-template.js';
import { ensureSystemPackages } from './ensure-system-packages.js';

/**
 * The PostgreSQL leg: every exactly-once test (oversell, duplicate keys, worker SIGKILL mid-group,
 * reconciler after the queue lost its jobs) and the files that exercise queues, flows, job events,
 * the dashboard and readiness. The rest of the suite does not depend on the queue backend.
 */
export const POSTGRES_LEG = [
  'test/integration/stock-movements/api.test.ts',
  'test/integration/stock-movements/concurrency.test.ts',
  'test/integration/stock-movements/durability.test.ts',
  'test/integration/stock-movements/whole-units.test.ts',
  'test/integration/api/contract.test.ts',
  'test/integration/web-ops/queues.test.ts',
  'test/integration/pricing/run-failure.test.ts',
  'test/integration/faults/rate-limit.test.ts',
];

/** Files that drive Redis itself (restart it, pause it, read its keys): they need the Redis leg. */
const REDIS_ONLY = ['test/integration/faults/chaos.test.ts', 'test/integration/faults/outage.test.ts', 'test/integration/forecast/forecast-training-shutdown.test.ts'];

const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', NODE_ENV: 'test' };
delete env.QUEUE_BACKEND;
const config = loadConfig(env);
ensureSystemPackages();
const redisChoice = await chooseQueueBackend({ ...config, QUEUE_BACKEND: undefined });
const redisAvailable = redisChoice.kind === 'redis';
await ensureServices({ ...config, QUEUE_BACKEND: redisAvailable ? 'redis' : 'postgres' });
const template = await ensureTemplate(config.DATABASE_URL);
console.log(`test template database: ${template}`);

const legEnv = (backend: 'redis' | 'postgres') => ({ ...env, GONDOLA_TEST_TEMPLATE: template, QUEUE_BACKEND: backend, ...(redisAvailable ? { REDIS_URL: redisChoice.redisUrl } : {}) });
const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'inherit', env: legEnv('redis') }).status ?? 1;

/** Runs ava with each result line marked with the backend (`✔ [postgres] …`), so both legs' lines count and read apart. */
function runMarked(args: string[], backend: 'redis' | 'postgres'): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['ava', ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: legEnv(backend) });
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => process.stdout.write(`${line.replace(/^(\s*(?:✔|✘ \[\w+\]:?|- \[\w+\]))( )/, `$1 [${backend}]$2`)}\n`));
    child.on('close', (code) => resolve(code ?? 1));
  });
}

const typecheck = run('npx', ['tsc', '--noEmit', '-p', '.']) || run('npx', ['tsx', 'scripts/web-api-types.ts']) || run('npx', ['tsc', '-p', 'web']);
if (typecheck !== 0) console.error('type check failed');
const lint = run('npm', ['run', '--silent', 'lint']);
if (lint !== 0) console.error('lint failed');

const given = process.argv.slice(2);
let tests: number;
if (redisAvailable) {
  console.log(`\nqueue backend redis (${redisChoice.why}): every test\n`);
  tests = run('npx', ['ava', ...given]);
  console.log('\nqueue backend postgres: the queue-facing integration files, titles marked [postgres]\n');
  tests = (await runMarked(given.length ? given : POSTGRES_LEG, 'postgres')) || tests;
} else {
  console.log('\nqueue backend postgres: every test that does not drive Redis itself\n');
  tests = await runMarked(given.length ? given : ['test/**/*.test.ts', ...REDIS_ONLY.map((f) => `!${f}`)], 'postgres');
  console.log(`\nTHE REDIS LEG DID NOT RUN: no Redis answers (${redisChoice.why}). Set REDIS_URL or start a Redis to run it; ${REDIS_ONLY.join(', ')} did not run either.\n`);
}
process.exit(typecheck || lint || tests);
