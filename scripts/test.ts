/**
 * `npm test`: reaches (or starts) PostgreSQL and Redis, prepares the template database,
 * type-checks the project (a missing job handler is a compile error) and the web app against the
 * API's current OpenAPI document (a changed API that breaks a page fails here), lints it (the
 * architecture rules: eslint.config.js), then runs every ava test (`pretest` has built web/dist
 * for the browser tests). Any of the three failing fails the run.
 */
import { spawnSync } from 'node:child_process';
import { loadConfig } from '../src/shared/config.js';
import { ensureServices } from '../src/shared/bootstrap.js';
import { ensureTemplate } from './test-template.js';
import { ensureSystemPackages } from './ensure-system-packages.js';

const env = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', NODE_ENV: 'test' };
const config = loadConfig(env);
ensureSystemPackages();
await ensureServices(config);
const template = await ensureTemplate(config.DATABASE_URL);
console.log(`test template database: ${template}`);

const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'inherit', env: { ...env, GONDOLA_TEST_TEMPLATE: template } }).status ?? 1;

const typecheck = run('npx', ['tsc', '--noEmit', '-p', '.']) || run('npx', ['tsx', 'scripts/web-api-types.ts']) || run('npx', ['tsc', '-p', 'web']);
if (typecheck !== 0) console.error('type check failed');
const lint = run('npm', ['run', '--silent', 'lint']);
if (lint !== 0) console.error('lint failed');
const tests = run('npx', ['ava', ...process.argv.slice(2)]);
process.exit(typecheck || lint || tests);
