/**
 * Backups: `pg_dump` custom format taken inside one exported snapshot, with the row counts of
 * that same snapshot in a manifest; optional AES-256-GCM encryption; retention by age. Restore
 * goes into a new database, checks integrity (balances = Σ ledger) and the manifest's row counts,
 * and only then takes the database's name (the old one is kept, renamed).
 */
import { execFile } from 'node:child_process';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { connectionErrorLogger } from './logging.js';

const run = promisify(execFile);
const MAGIC = Buffer.from('GONDOLA-BACKUP-1');
/** Tables whose row counts the manifest records and a restore must reproduce. */
export const COUNTED_TABLES = ['products', 'locations', 'movement_requests', 'stock_movements', 'stock_levels', 'price_history', 'invoices', 'audit_events', 'users', 'api_keys'];

export interface BackupManifest {
  database: string;
  takenAt: string;
  file: string;
  encrypted: boolean;
  rowCounts: Record<string, number>;
}

function keyFrom(text: string | undefined): Buffer | undefined {
  if (!text) return undefined;
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error('BACKUP_ENCRYPTION_KEY must be 32 bytes, as 64 hex digits or base64');
  return key;
}

const dbNameOf = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));
const withDb = (url: string, db: string) => {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(db)}`;
  return u.toString();
};

async function countRows(client: pg.Client): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of COUNTED_TABLES) {
    const exists = await client.query(`SELECT to_regclass($1) AS t`, [table]);
    if (!exists.rows[0].t) continue;
    counts[table] = Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  }
  return counts;
}

/** Dumps the database into `dir`; returns the manifest. Deletes backups older than `retentionDays` (0 = keep all). */
export async function backupDatabase(opts: { databaseUrl: string; dir: string; retentionDays: number; encryptionKey?: string; now?: Date }): Promise<BackupManifest> {
  const key = keyFrom(opts.encryptionKey);
  await mkdir(opts.dir, { recursive: true });
  const database = dbNameOf(opts.databaseUrl);
  const takenAt = (opts.now ?? new Date()).toISOString();
  const base = `gondola-${database}-${takenAt.replace(/[:.]/g, '-')}`;
  const dumpFile = path.join(opts.dir, `${base}.dump`);
  // One snapshot for the dump and the counts: the manifest describes exactly what was dumped.
  const client = new pg.Client({ connectionString: opts.databaseUrl });
  client.on('error', connectionErrorLogger('backup'));
  await client.connect();
  let rowCounts: Record<string, number>;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const snapshot = (await client.query('SELECT pg_export_snapshot() AS s')).rows[0].s as string;
    rowCounts = await countRows(client);
    await run('pg_dump', ['--format=custom', `--snapshot=${snapshot}`, '--no-owner', '--file', dumpFile, opts.databaseUrl], { maxBuffer: 16 << 20 });
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
  let file = dumpFile;
  if (key) {
    file = `${dumpFile}.enc`;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const out = createWriteStream(file);
    out.write(Buffer.concat([MAGIC, iv]));
    await pipeline(createReadStream(dumpFile), cipher, out);
    await writeFile(file, cipher.getAuthTag(), { flag: 'a' });
    await rm(dumpFile);
  }
  const manifest: BackupManifest = { database, takenAt, file: path.basename(file), encrypted: Boolean(key), rowCounts };
  await writeFile(`${file}.json`, JSON.stringify(manifest, null, 2));
  if (opts.retentionDays > 0) await pruneBackups(opts.dir, opts.retentionDays, opts.now ?? new Date());
  return manifest;
}

async function pruneBackups(dir: string, days: number, now: Date): Promise<void> {
  const limit = now.getTime() - days * 86_400_000;
  for (const name of await readdir(dir)) {
    if (!/^gondola-.*\.dump(\.enc)?(\.json)?$/.test(name)) continue;
    const full = path.join(dir, name);
    if ((await stat(full)).mtimeMs < limit) await rm(full, { force: true });
  }
}

async function decryptTo(file: string, key: Buffer, out: string): Promise<void> {
  const data = await readFile(file);
  if (!data.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error(`${file} is not an encrypted backup of this project`);
  const iv = data.subarray(MAGIC.length, MAGIC.length + 12);
  const tag = data.subarray(data.length - 16);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(tag);
  await writeFile(out, Buffer.concat([decipher.update(data.subarray(MAGIC.length + 12, data.length - 16)), decipher.final()]));
}

export interface RestoreResult {
  restoredInto: string;
  switched: boolean;
  previousRenamedTo: string | null;
  rowCounts: Record<string, number>;
}

/**
 * Restores `file` into a new database next to `databaseUrl`'s, checks it (integrity + the
 * manifest's row counts), then gives it the database's name; the current one, if any, is kept
 * as `<name>_before_<time>`. Nothing is switched when a check fails.
 */
export async function restoreDatabase(opts: { databaseUrl: string; file: string; encryptionKey?: string; switch?: boolean }): Promise<RestoreResult> {
  const target = dbNameOf(opts.databaseUrl);
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const restored = `${target}_restore_${stamp}`.slice(0, 63);
  const manifest = JSON.parse(await readFile(`${opts.file}.json`, 'utf8').catch(() => 'null')) as BackupManifest | null;
  let dump = opts.file;
  if (opts.file.endsWith('.enc')) {
    const key = keyFrom(opts.encryptionKey);
    if (!key) throw new Error('the backup is encrypted: set BACKUP_ENCRYPTION_KEY');
    dump = `${opts.file}.decrypted`;
    await decryptTo(opts.file, key, dump);
  }
  const admin = new pg.Client({ connectionString: withDb(opts.databaseUrl, 'postgres') });
  admin.on('error', connectionErrorLogger('restore'));
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${restored}"`);
    await run('pg_restore', ['--no-owner', '--exit-on-error', '--dbname', withDb(opts.databaseUrl, restored), dump], { maxBuffer: 16 << 20 });
    const check = new pg.Client({ connectionString: withDb(opts.databaseUrl, restored) });
    check.on('error', connectionErrorLogger('restore'));
    await check.connect();
    let rowCounts: Record<string, number>;
    try {
      const mismatches = await check.query(`
        SELECT count(*)::int AS n FROM stock_levels l
          FULL JOIN (SELECT product_id, location_id, sum(quantity) AS s FROM stock_movements GROUP BY 1, 2) m USING (product_id, location_id)
         WHERE coalesce(l.quantity, 0) <> coalesce(m.s, 0)`);
      if (mismatches.rows[0].n !== 0) throw new Error(`restored database ${restored} fails the integrity check: ${mismatches.rows[0].n} balances differ from the ledger`);
      rowCounts = await countRows(check);
      if (manifest) {
        const differ = Object.entries(manifest.rowCounts).filter(([t, n]) => rowCounts[t] !== n);
        if (differ.length) throw new Error(`restored database ${restored} has other row counts than the backup: ${differ.map(([t, n]) => `${t} ${rowCounts[t]} ≠ ${n}`).join(', ')}`);
      }
    } finally {
      await check.end();
    }
    if (opts.switch === false) return { restoredInto: restored, switched: false, previousRenamedTo: null, rowCounts };
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [target])).rowCount! > 0;
    let previous: string | null = null;
    if (exists) {
      previous = `${target}_before_${stamp}`.slice(0, 63);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [target]);
      await admin.query(`ALTER DATABASE "${target}" RENAME TO "${previous}"`);
    }
    await admin.query(`ALTER DATABASE "${restored}" RENAME TO "${target}"`);
    return { restoredInto: target, switched: true, previousRenamedTo: previous, rowCounts };
  } finally {
    await admin.end();
    if (dump !== opts.file) await rm(dump, { force: true });
  }
}
