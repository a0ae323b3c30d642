import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/shared/config.js';
import { createDatabase, type Database } from '../../src/shared/db/database.js';
import { openQueueBackend, type QueueBackend } from '../../src/shared/jobs/connection.js';
import { ensureTemplate, withDb } from '../../scripts/test-template.js';

/** The queue backend this test run uses: `npm test` runs the suite once per backend (QUEUE_BACKEND). */
export const TEST_QUEUE_BACKEND: 'redis' | 'postgres' = process.env.QUEUE_BACKEND === 'postgres' ? 'postgres' : 'redis';

const baseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  url: string;
  db: Database;
  drop: () => Promise<void>;
}

async function adminQuery(sql: string) {
  const client = new pg.Client({ connectionString: withDb(baseUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A database of its own for one test file, cloned from the migrated template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = process.env.GONDOLA_TEST_TEMPLATE || (await ensureTemplate(baseUrl));
  const name = `gondola_test_${randomBytes(5).toString('hex')}`;
  // Another file cloning at the same instant holds the template: retry briefly.
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${template}`);
      break;
    } catch (err) {
      if ((err as { code?: string }).code !== '55006' || attempt > 50) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  const url = withDb(baseUrl, name);
  const db = createDatabase({ url, max: 10 });
  return {
    name,
    url,
    db,
    drop: async () => {
      await db.destroy();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

const testDataKeys = `test:${randomBytes(32).toString('base64')}`;

/** Configuration for a test: its own database and its own BullMQ prefix, on this run's queue backend. */
export function testConfig(databaseUrl: string, overrides: Record<string, string> = {}): Config {
  return loadConfig({
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_BACKEND: TEST_QUEUE_BACKEND,
    QUEUE_PREFIX: `{gt-${randomBytes(4).toString('hex')}}`,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    RECONCILE_GRACE_MS: '1000',
    RECONCILE_INTERVAL_MS: '500',
    // Tests never read or create the key file in .data/: one throwaway key per test process.
    DATA_KEYS: testDataKeys,
    ...overrides,
  });
}

/** A queue backend of a test's own (producers, flows) on the test's configuration; close it after. */
export function openTestQueueBackend(config: Config): QueueBackend {
  return openQueueBackend({ kind: config.QUEUE_BACKEND ?? TEST_QUEUE_BACKEND, redisUrl: config.REDIS_URL, databaseUrl: config.DATABASE_URL, prefix: config.QUEUE_PREFIX, poolMax: 4, name: 'test' });
}
