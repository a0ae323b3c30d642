/**
 * Lint that enforces the architecture (docs: /work/shared ARCHITECTURE "Where things live").
 * `npm run lint`; `npm test` runs it too. Scope: src/ scripts/ test/ bench/ migrations/ (the web
 * app keeps its own config). The "one place" rules (config, transactions, queue construction,
 * error classes) bind src/ only: tests, benchmarks and scripts
 * are harnesses and may build raw queues or read the environment to stage faults.
 *
 * test/unit/lint-rules.test.ts lints a fixture per rule (test/fixtures/lint/) and checks it fires.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/** Modules that do I/O: `shared/domain` is pure and imports none of them. */
const NODE_IO = ['fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'dgram', 'dns', 'child_process', 'cluster', 'worker_threads'];
const IO_MODULES = [...NODE_IO, ...NODE_IO.map((m) => `node:${m}`), 'pg', 'ioredis', 'bullmq', 'kysely', 'express', 'winston', 'prom-client', 'multer', 'tesseract.js', 'sharp'];

/** BullMQ constructors that only src/shared/jobs/ may call (the Producer and createWorker). */
const QUEUE_CONSTRUCTION = {
  name: 'bullmq',
  importNames: ['Queue', 'FlowProducer', 'Worker'],
  allowTypeImports: true,
  message: 'queues, flows and workers are built only in src/shared/jobs/ (use the Producer from your deps, or defineWorker)',
};

const oneWayRules = {
  /** `process.env` is read by src/shared/config.ts alone. */
  env: { object: 'process', property: 'env', message: 'read configuration through src/shared/config.ts (the only reader of process.env)' },
  transaction: {
    selector: "CallExpression[callee.type='MemberExpression'][callee.property.name='transaction']",
    message: 'open transactions with withTransaction (src/shared/db/transaction.ts): it retries 40001/40P01 and counts them',
  },
  construction: {
    selector: "NewExpression[callee.name=/^(Queue|FlowProducer|Worker)$/]",
    message: 'queues, flows and workers are built only in src/shared/jobs/ (use the Producer from your deps, or defineWorker)',
  },
  errorClass: {
    selector: "ClassDeclaration[superClass.name=/Error$/]",
    message: 'error classes live in src/shared/errors.ts (the API maps them in one middleware)',
  },
  silentError: {
    selector:
      "CallExpression[callee.property.name=/^(on|once)$/][arguments.0.value='error'] > :matches(ArrowFunctionExpression, FunctionExpression):matches([body.type='BlockStatement'][body.body.length=0], [body.type='Identifier'][body.name='undefined'])",
    message: "an 'error' listener must log the error (e.g. connectionErrorLogger from src/shared/logging.ts), never swallow it",
  },
};

const zone = (target, from, message, except) => ({ target, from, message, ...(except ? { except } : {}) });

export default tseslint.config(
  {
    ignores: ['web/**', 'node_modules/**', 'dist/**', '.data/**', 'test/fixtures/**', 'bench/results/**', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,mjs,js}'],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', AbortSignal: 'readonly', AbortController: 'readonly', fetch: 'readonly', performance: 'readonly', structuredClone: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', NodeJS: 'readonly', queueMicrotask: 'readonly', Headers: 'readonly', Response: 'readonly', Request: 'readonly', FormData: 'readonly', Blob: 'readonly', crypto: 'readonly' },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Empty interfaces that extend several tables name the combination (DB = CoreTables & …).
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    // The dependency rule: api → producers → shared, workers → shared; shared imports neither side;
    // shared/domain is pure (no db, jobs, config, logging, metrics; no I/O modules).
    files: ['src/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            zone('./src/shared', ['./src/api', './src/producers', './src/workers', './src/main.ts'], 'shared/ imports neither the api, the producers nor the workers'),
            zone('./src/producers', ['./src/api', './src/workers', './src/main.ts'], 'producers import only shared/'),
            zone('./src/workers', ['./src/api', './src/producers', './src/main.ts'], 'workers import only shared/ (follow-up jobs go through the Producer in their deps)'),
            zone('./src/api', ['./src/workers', './src/main.ts'], 'the api reaches workers only through queues (producers)'),
            zone('./src/shared/domain', './src/shared', 'shared/domain is pure: it imports no db, jobs, config, logging or metrics module', ['./domain', './errors.ts']),
          ],
        },
      ],
      'no-restricted-properties': ['error', oneWayRules.env],
      'no-restricted-syntax': ['error', oneWayRules.transaction, oneWayRules.construction, oneWayRules.errorClass, oneWayRules.silentError],
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [QUEUE_CONSTRUCTION] }],
    },
  },
  {
    files: ['src/shared/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [QUEUE_CONSTRUCTION, ...IO_MODULES.filter((m) => m !== 'bullmq').map((name) => ({ name, message: 'shared/domain is pure: do the I/O in a repository, use case or processor and pass the data in' }))] },
      ],
    },
  },
  { files: ['src/shared/config.ts'], rules: { 'no-restricted-properties': 'off' } },
  { files: ['src/shared/db/transaction.ts'], rules: { 'no-restricted-syntax': ['error', oneWayRules.construction, oneWayRules.errorClass, oneWayRules.silentError] } },
  { files: ['src/shared/errors.ts'], rules: { 'no-restricted-syntax': ['error', oneWayRules.transaction, oneWayRules.construction, oneWayRules.silentError] } },
  {
    files: ['src/shared/jobs/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', oneWayRules.transaction, oneWayRules.errorClass, oneWayRules.silentError],
      '@typescript-eslint/no-restricted-imports': 'off',
    },
  },
  {
    // Harnesses: no one-place rules, but an 'error' listener still logs.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'migrations/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', oneWayRules.silentError],
      // HTTP and queue bodies read back in tests are untyped JSON.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
