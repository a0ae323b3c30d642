/**
 * Prepares the migrated template database integration tests clone from. Its name carries a
 * hash of migrations/, so a changed migration gets a fresh template and concurrent runs of an
 * unchanged tree share one.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { MIGRATIONS_DIR, migrateToLatest } from '../src/shared/db/migrate.js';
import { createDatabase } from '../src/shared/db/database.js';
import { LATEST_SCHEMA_VERSION } from 'bullmq';
import { migrateQueueSchema } from '../src/shared/jobs/connection.js';

export function templateName(): string {
  const hash = createHash('sha256');
  // BullMQ's own schema (the PostgreSQL queue backend) is in the template too.
  hash.update(`bullmq-schema-${LATEST_SCHEMA_VERSION}`);
  for (const f of readdirSync(MIGRATIONS_DIR).sort()) hash.update(f).update(readFileSync(path.join(MIGRATIONS_DIR, f)));
  return `gondola_tpl_${hash.digest('hex').slice(0, 12)}`;
}

export async function ensureTemplate(baseUrl: string): Promise<string> {
  const name = templateName();
  const admin = new pg.Client({ connectionString: withDb(baseUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock(727274)');
    const { rows } = await admin.query<{ datistemplate: boolean }>('SELECT datistemplate FROM pg_database WHERE datname = $1', [name]);
    if (rows[0]?.datistemplate) return name;
    if (rows.length) await admin.query(`DROP DATABASE ${pg.escapeIdentifier(name)}`);
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    const db = createDatabase({ url: withDb(baseUrl, name), max: 2 });
    try {
      await migrateToLatest(db);
    } finally {
      await db.destroy();
    }
    await migrateQueueSchema(withDb(baseUrl, name));
    await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(name)} WITH is_template true`);
    // Templates of other migration sets stay: another checkout (a branch, a parallel run) may be
    // cloning from one right now. They are small, and a fresh machine starts with none.
    return name;
  } finally {
    await admin.query('SELECT pg_advisory_unlock(727274)').catch(() => undefined);
    await admin.end();
  }
}

export function withDb(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}
