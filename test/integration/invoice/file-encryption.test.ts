import test from 'ava';
import { sql } from 'kysely';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { addKeyToFile, DataKeys, removeKeyFromFile } from '../../../src/shared/data-keys.js';
import { contentKey, getInvoiceFile, recordUpload } from '../../../src/shared/db/repositories/invoices.repository.js';
import { DataKeyMissingError } from '../../../src/shared/errors.js';
import { reencryptAllFiles, type RotationProgress } from '../../../src/shared/use-cases/data-keys.js';
import { eventually } from '../../helpers/wait.js';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';
import { uploadInvoice } from './invoice-helpers.js';

let sys: TestSystem;
let dir: string;
let keyFile: string;
/** Every file this test stored, by content key. */
const plain = new Map<string, Buffer>();

test.before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'gondola-keys-'));
  keyFile = path.join(dir, 'data-keys.json');
  // A key file of this test's own (DATA_KEYS cleared), created on start like `npm start` does.
  sys = await startTestSystem({ workers: false, env: { DATA_KEYS: '', DATA_KEY_FILE: keyFile, WORKER_QUEUES: 'invoice-ingest', INVOICE_AUTO_POST_CONFIDENCE: '1.01' } });
});

test.after.always(async () => {
  await sys?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A small PDF-looking file whose bytes carry a marker that must never appear in the database. */
function markedPdf(marker: string): Buffer {
  const bytes = Buffer.from(`%PDF-1.4\n% ${marker}\n1 0 obj << /Type /Catalog >> endobj\n${randomBytes(64).toString('hex')}\n%%EOF\n`);
  plain.set(contentKey(bytes), bytes);
  return bytes;
}

const rowOf = (key: string) => sys.database.db.selectFrom('invoice_files').selectAll().where('content_key', '=', key).executeTakeFirstOrThrow();
const fileOf = (id: string) => fetch(`${sys.baseUrl}/v1/invoices/${id}/file`, { headers: { authorization: `Bearer ${sys.adminKey}` } });

test.serial('the key file is created on first start, mode 0600, with one active key', (t) => {
  t.is(statSync(keyFile).mode & 0o777, 0o600);
  const parsed = JSON.parse(readFileSync(keyFile, 'utf8')) as { active: string; keys: { id: string; key: string }[] };
  t.is(parsed.keys.length, 1);
  t.is(parsed.keys[0]!.id, parsed.active);
  t.is(Buffer.from(parsed.keys[0]!.key, 'base64').length, 32);
});

test.serial('an uploaded file is stored as ciphertext under the active key and served back byte for byte', async (t) => {
  const marker = `MARCA-EN-CLARO-${randomBytes(6).toString('hex')}`;
  const bytes = markedPdf(marker);
  const up = await uploadInvoice(sys, bytes, 'f.pdf', 'application/pdf');
  t.is(up.status, 202);
  const row = await rowOf(contentKey(bytes));
  t.is(row.key_id, JSON.parse(readFileSync(keyFile, 'utf8')).active);
  t.is(row.nonce?.length, 12);
  t.is(row.auth_tag?.length, 16);
  t.is(row.content.length, bytes.length);
  t.false(row.content.includes(Buffer.from(marker)), 'the plaintext marker is not in the stored row');
  t.false(row.content.includes(Buffer.from('%PDF')), 'not even the file header');
  // Nor anywhere in the table as PostgreSQL stores it.
  const found = await sys.database.db.selectFrom('invoice_files').select('content_key').where(sql<boolean>`position(${Buffer.from(marker)} in content) > 0`).execute();
  t.is(found.length, 0);
  const res = await fileOf(up.body.id);
  t.is(res.status, 200);
  t.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);
});

test.serial('a tampered ciphertext or tag is refused with 409 file_integrity_failed, not a 500', async (t) => {
  for (const column of ['content', 'auth_tag', 'nonce'] as const) {
    const bytes = markedPdf(`tamper-${column}`);
    const up = await uploadInvoice(sys, bytes, 'f.pdf', 'application/pdf');
    const key = contentKey(bytes);
    const row = await rowOf(key);
    const altered = Buffer.from(row[column]!);
    altered[altered.length - 1]! ^= 0x01;
    await sys.database.db.updateTable('invoice_files').set({ [column]: altered }).where('content_key', '=', key).execute();
    const res = await fileOf(up.body.id);
    t.is(res.status, 409, column);
    const problem = (await res.json()) as { code: string; detail: string };
    t.is(problem.code, 'file_integrity_failed');
    t.regex(problem.detail, /integrity check/);
    await sys.database.db.updateTable('invoice_files').set({ [column]: row[column] }).where('content_key', '=', key).execute();
    t.is((await fileOf(up.body.id)).status, 200, `${column} restored, readable again`);
  }
});

test.serial('a file under a key the server does not have is a 503 naming the key for the operator', async (t) => {
  const bytes = markedPdf('missing-key');
  const up = await uploadInvoice(sys, bytes, 'f.pdf', 'application/pdf');
  const key = contentKey(bytes);
  const row = await rowOf(key);
  await sys.database.db.updateTable('invoice_files').set({ key_id: 'k-retired-too-early' }).where('content_key', '=', key).execute();
  const res = await fileOf(up.body.id);
  t.is(res.status, 503);
  t.truthy(res.headers.get('retry-after'));
  const problem = (await res.json()) as { code: string; detail: string };
  t.is(problem.code, 'data_key_missing');
  t.regex(problem.detail, /k-retired-too-early/);
  await t.throwsAsync(getInvoiceFile(sys.database.db, new DataKeys({ kind: 'file', file: keyFile }), up.body.id), { instanceOf: DataKeyMissingError });
  await sys.database.db.updateTable('invoice_files').set({ key_id: row.key_id }).where('content_key', '=', key).execute();
});

test.serial('rotation during uploads leaves every file readable and under the new key, reports progress, and frees the old key', async (t) => {
  const db = sys.database.db;
  // The rotating tool has its own keyring object, as `npm run rotate-data-key` in another process would.
  const tool = new DataKeys({ kind: 'file', file: keyFile });
  const oldKey = tool.activeKey().id;
  for (let i = 0; i < 400; i++) {
    const bytes = markedPdf(`seed-${i}`);
    await recordUpload(db, tool, { bytes, mimeType: 'application/pdf' });
  }
  // A row from before encryption (plaintext, no key id): the rotation encrypts it too.
  const legacy = markedPdf('legacy-plaintext');
  await db.insertInto('invoice_files').values({ content_key: contentKey(legacy), mime_type: 'application/pdf', size_bytes: legacy.length, content: legacy }).execute();

  let uploading = true;
  const uploads = (async () => {
    let n = 0;
    while (uploading || n < 20) {
      const bytes = markedPdf(`during-${n++}`);
      const r = await uploadInvoice(sys, bytes, 'f.pdf', 'application/pdf');
      if (r.status !== 202) throw new Error(`upload answered ${r.status}`);
    }
    return n;
  })();
  const seeded = plain.size;
  await eventually(async () => plain.size > seeded + 5, 'uploads to start');
  const newKey = addKeyToFile(keyFile);
  const progress: RotationProgress[] = [];
  const report = await reencryptAllFiles(db, tool, { chunk: 25, onProgress: (p) => progress.push(p) });
  uploading = false;
  const uploaded = await uploads;
  // Uploads that sealed under the old key just before the api re-read the key file are caught by a second pass.
  const again = await reencryptAllFiles(db, tool, { chunk: 25 });

  t.is(report.activeKeyId, newKey);
  t.true(report.reencrypted >= 401, `re-encrypted ${report.reencrypted}`);
  t.true(progress.length >= 16, 'progress after every chunk');
  t.true(progress.every((p, i) => i === 0 || p.reencrypted > progress[i - 1]!.reencrypted));
  t.deepEqual(again.stillUsedOldKeys, []);
  t.deepEqual(again.unusedKeys, [oldKey]);
  t.deepEqual(Object.keys(again.filesByKey), [newKey]);
  t.is(again.filesByKey[newKey], plain.size);
  t.log(`rotation: ${report.reencrypted} files in ${report.seconds} s (${report.filesPerSecond} files/s) while ${uploaded} uploads ran; second pass ${again.reencrypted}`);

  // Only now may the old key go; every file still opens with the new keyring.
  removeKeyFromFile(keyFile, oldKey);
  const after = new DataKeys({ kind: 'file', file: keyFile });
  t.deepEqual(after.ids(), [newKey]);
  const rows = await db.selectFrom('invoice_files').select(['content_key', 'content', 'key_id', 'nonce', 'auth_tag']).execute();
  for (const r of rows) {
    const opened = after.open(r.content_key, { content: r.content, keyId: r.key_id, nonce: r.nonce, authTag: r.auth_tag });
    if (!opened.equals(plain.get(r.content_key)!)) t.fail(`file ${r.content_key} changed`);
  }
  t.is(rows.length, plain.size);
  // The api (its own keyring, re-read from the changed file) serves a rotated file.
  const inv = await db.selectFrom('invoices').select(['id', 'file_key']).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
  t.deepEqual(Buffer.from(await (await fileOf(inv.id)).arrayBuffer()), plain.get(inv.file_key));
});

test.serial('the extraction worker fails an invoice whose stored file was altered, with the reason, and does not retry it', async (t) => {
  const bytes = markedPdf('worker-tamper');
  const key = contentKey(bytes);
  const up = await uploadInvoice(sys, bytes, 'f.pdf', 'application/pdf');
  const row = await rowOf(key);
  const altered = Buffer.from(row.content);
  altered[0]! ^= 0xff;
  await sys.database.db.updateTable('invoice_files').set({ content: altered }).where('content_key', '=', key).execute();
  await sys.database.db.updateTable('invoices').set({ status: 'failed' }).where('id', '<>', up.body.id).where('status', '=', 'queued').execute();
  await sys.startWorkers();
  const inv = await eventually(async () => {
    const r = await sys.http(`/v1/invoices/${up.body.id}`);
    return r.body.status === 'failed' ? r.body : undefined;
  }, 'the invoice to fail');
  t.is(inv.reason, 'file_integrity_failed');
});
