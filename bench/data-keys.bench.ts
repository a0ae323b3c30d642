/**
 * bench:data-keys — `npm run rotate-data-key` over N stored invoice files (default 1000 of
 * ~120 KB) against a baseline measured in the same run: rewriting the same rows in the same
 * chunks without any cryptography (read, UPDATE the same bytes back). The rotation decrypts and
 * re-encrypts each file with AES-256-GCM on top of that.
 * Goal: rotation time ≤ 3 × the plain rewrite; also reported: files/s and MB/s.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { addKeyToFile, DataKeys, ensureKeyFile } from '../src/shared/data-keys.js';
import { recordUpload } from '../src/shared/db/repositories/invoices.repository.js';
import { reencryptAllFiles } from '../src/shared/use-cases/data-keys.js';
import { benchEnv, report } from './lib.js';

const FILES = Number(process.env.BENCH_FILES ?? 1000);
const SIZE = Number(process.env.BENCH_FILE_KB ?? 120) * 1024;
const CHUNK = 50;
const log = (msg: string) => process.stderr.write(`bench:data-keys ${msg}\n`);

const dir = mkdtempSync(path.join(tmpdir(), 'gondola-bench-keys-'));
const keyFile = path.join(dir, 'data-keys.json');
const bench = await benchEnv('data-keys', { DATA_KEY_FILE: keyFile });
try {
  ensureKeyFile(keyFile);
  const keys = new DataKeys({ kind: 'file', file: keyFile });
  const db = bench.db;
  log(`storing ${FILES} files of ${SIZE / 1024} KB`);
  for (let i = 0; i < FILES; i++) {
    const bytes = Buffer.concat([Buffer.from(`%PDF-1.4\n% ${i}\n`), randomBytes(SIZE)]);
    await recordUpload(db, keys, { bytes, mimeType: 'application/pdf' });
  }

  // Baseline: the same rows, the same chunks, no cryptography.
  const t0 = performance.now();
  let last = '';
  for (;;) {
    const n = await db.transaction().execute(async (trx) => {
      const rows = await trx.selectFrom('invoice_files').select(['content_key', 'content']).where('content_key', '>', last).orderBy('content_key').limit(CHUNK).forUpdate().execute();
      for (const r of rows) await trx.updateTable('invoice_files').set({ content: r.content }).where('content_key', '=', r.content_key).execute();
      if (rows.length) last = rows[rows.length - 1]!.content_key;
      return rows.length;
    });
    if (n === 0) break;
  }
  const baselineS = (performance.now() - t0) / 1000;

  addKeyToFile(keyFile);
  const rotation = await reencryptAllFiles(db, keys, { chunk: CHUNK, onProgress: (p) => p.reencrypted % 500 === 0 && log(`re-encrypted ${p.reencrypted}`) });
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM invoice_files WHERE key_id = ${rotation.activeKeyId}`.execute(db);
  const ratio = rotation.seconds / baselineS;
  const metrics = {
    files: FILES,
    file_kb: SIZE / 1024,
    rotation_s: rotation.seconds,
    files_per_s: rotation.filesPerSecond,
    mb_per_s: Math.round(((FILES * SIZE) / 1024 / 1024 / rotation.seconds) * 10) / 10,
    baseline_rewrite_s: Math.round(baselineS * 1000) / 1000,
    ratio_vs_plain_rewrite: Math.round(ratio * 100) / 100,
    all_under_new_key: rows[0]!.n === FILES,
  };
  report('data-keys', metrics, { ratio_vs_plain_rewrite: '<= 3', all_under_new_key: true }, ratio <= 3 && metrics.all_under_new_key);
} finally {
  await bench.cleanup();
  rmSync(dir, { recursive: true, force: true });
}
