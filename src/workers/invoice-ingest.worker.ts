/**
 * `invoice-ingest` worker. Design notes (where this differs from the team page):
 * - The OCR work runs in `ExtractionSandbox`, a long-lived child process of this worker, not
 *   in BullMQ's own sandbox: the queue also carries `post-invoice`, which needs the shell's
 *   transaction and context, and extraction must end in a database write. The child keeps the
 *   tesseract.js pool warm, is killed past the deadline and recycled when its memory creeps;
 *   `processors/invoice-ingest.processor.ts` still exports a BullMQ sandboxed processor.
 * - Uploaded files live in PostgreSQL (`invoice_files`, by sha256) so api and worker replicas
 *   share them without a shared volume; a 15 MB cap keeps that reasonable. They are encrypted
 *   at rest (src/shared/data-keys.ts); the decrypted bytes reach the extraction child over IPC.
 * - Cost history is pricing's `replacement_costs` (via `recordReplacementCost`): one history,
 *   with its cost alerts, whatever changed the cost.
 */
import type { Database } from '../shared/db/database.js';
import { pgConstraint, withTransaction } from '../shared/db/transaction.js';
import { applyMovementGroup } from '../shared/db/repositories/movements.repository.js';
import { recordReplacementCost } from '../shared/db/repositories/pricing-costs.repository.js';
import {
  failInvoice,
  findStaleQueuedInvoices,
  getInvoiceFile,
  markRelayed,
  reencryptFilesChunk,
  pendingOutbox,
  postInvoice,
  saveExtraction,
  startExtraction,
} from '../shared/db/repositories/invoices.repository.js';
import { DataKeyMissingError, ExtractionFailedError, PermanentError, StoredFileTamperedError } from '../shared/errors.js';
import { dataKeysOf } from '../shared/data-keys.js';
import { extractJobId, invoiceIngestContract, postJobId } from '../shared/jobs/invoice-ingest.contract.js';
import type { Producer } from '../shared/jobs/enqueue.js';
import { priceRecalculationsContract, repricingJobId, type RepricingPayload } from '../shared/jobs/price-recalculations.contract.js';
import { priceChangesOf } from '../shared/use-cases/invoice-approvals.js';
import { logger } from '../shared/logging.js';
import { invoiceExtractionDuration, invoiceExtractions, invoiceExtractionTimeouts, invoiceFieldConfidence } from '../shared/metrics.js';
import { defineWorker, type JobContext } from './define-worker.js';
import type { InvoiceMimeType } from './processors/invoice-ingest/extract.js';
import { ExtractionSandbox } from './processors/invoice-ingest.sandbox.js';

const log = logger.child({ component: 'invoice-ingest' });

/** Hands the posting's repricing request to its queue; the outbox row is the record until then. */
async function relayOutbox(db: Database, producer: Producer, invoiceId: string): Promise<number> {
  const rows = await pendingOutbox(db, invoiceId);
  for (const row of rows) {
    // The contract's schema checks the stored payload again; the run id makes a repeat a no-op.
    const payload = row.payload as RepricingPayload;
    await producer.enqueue(priceRecalculationsContract, 'reprice-products', payload, { idempotencyKey: repricingJobId(payload.runId) });
  }
  await markRelayed(
    db,
    rows.map((r) => r.id),
  );
  return rows.length;
}

/** Encrypts rows written before encryption (`key_id` NULL) under the active key, until none is left. */
async function encryptPlaintextFiles(db: Database, config: JobContext['config']): Promise<void> {
  const keys = dataKeysOf(config);
  let total = 0;
  const skip: string[] = [];
  for (;;) {
    const r = await reencryptFilesChunk(db, keys, { limit: config.DATA_KEY_ROTATION_CHUNK, onlyPlaintext: true, skip });
    skip.push(...r.tampered);
    total += r.reencrypted;
    if (r.reencrypted === 0 && r.tampered.length === 0) break;
  }
  if (total) log.info('plaintext invoice files encrypted', { files: total, keyId: keys.activeKey().id });
}

async function defaultLocationId(db: Database): Promise<number | null> {
  const l = await db.selectFrom('locations').select('id').orderBy('id').executeTakeFirst();
  return l?.id ?? null;
}

/**
 * Extraction, slow work first: the file goes to the sandbox (OCR, PDF text, QR) and only the
 * result is written, in one short transaction; a confident invoice is sent on to posting.
 */
async function extractInvoice(invoiceId: string, { db, config, job, producer }: JobContext, sandbox: ExtractionSandbox) {
  if (!(await startExtraction(db, invoiceId))) return { skipped: 'not queued' };
  const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  let file;
  try {
    file = await getInvoiceFile(db, dataKeysOf(config), invoiceId);
  } catch (err) {
    // A tampered file never gets better; a missing key may be put back by an operator, so that is retried.
    if (err instanceof StoredFileTamperedError || (err instanceof DataKeyMissingError && lastAttempt)) {
      const code = err instanceof StoredFileTamperedError ? 'file_integrity_failed' : 'data_key_missing';
      await failInvoice(db, invoiceId, code, err.message);
      log.error('invoice file cannot be decrypted', { invoiceId, reason: code, err: err.message });
      throw new PermanentError(err.message, code, { cause: err });
    }
    if (err instanceof DataKeyMissingError) log.error('invoice file is under a data key this worker does not have', { invoiceId, keyId: err.keyId });
    throw err;
  }
  if (!file) throw new PermanentError(`invoice ${invoiceId} has no file`, 'invoice_not_found');
  // The decrypted bytes go to the sandbox over IPC (at most INVOICE_MAX_UPLOAD_BYTES): never to disk, never through Redis.
  const end = invoiceExtractionDuration.startTimer();
  let response;
  try {
    response = await sandbox.extract({ bytes: file.content, mimeType: file.mime_type as InvoiceMimeType, deadlineMs: config.INVOICE_EXTRACTION_TIMEOUT_MS });
  } catch (err) {
    end({ method: 'none' });
    if (!(err instanceof ExtractionFailedError)) throw err;
    const { code, message } = err.failure;
    if (code === 'extraction_error' && !lastAttempt) throw err;
    if (code === 'extraction_timeout') invoiceExtractionTimeouts.inc();
    invoiceExtractions.inc({ method: 'none', outcome: 'failed' });
    await failInvoice(db, invoiceId, code, message);
    log.warn('invoice extraction failed', { invoiceId, reason: code });
    throw new PermanentError(message, code, { cause: err });
  }
  const { extraction } = response.output;
  end({ method: extraction.methods.includes('ocr') ? 'ocr' : extraction.methods.includes('text') ? 'text' : 'none' });
  const saved = await withTransaction(db, (trx) =>
    saveExtraction(trx, invoiceId, extraction, { autoPostConfidence: config.INVOICE_AUTO_POST_CONFIDENCE, minMatchScore: config.INVOICE_MATCH_MIN_SCORE }),
  );
  invoiceExtractions.inc({ method: extraction.methods[0] ?? 'none', outcome: saved.status });
  for (const [name, f] of Object.entries(extraction.fields)) {
    if (f && typeof f === 'object' && 'confidence' in f) invoiceFieldConfidence.observe({ field: name, source: f.source }, f.confidence);
  }
  // Auto-posting is the system acting for the uploader: it never changes prices past the band;
  // such an invoice waits in `ready` for a person with a price role (see invoice-approvals).
  const movesPrices = saved.status === 'ready' && (await priceChangesOf(db, invoiceId, config.INVOICE_COST_BAND_PCT)).length > 0;
  if (saved.status === 'ready' && !movesPrices) await producer.enqueue(invoiceIngestContract, 'post-invoice', { invoiceId }, { idempotencyKey: postJobId(invoiceId) });
  log.info('invoice extracted', { invoiceId, status: saved.status, methods: extraction.methods, confidence: extraction.confidence, durationMs: response.output.timings.totalMs });
  return { status: saved.status, confidence: extraction.confidence, methods: extraction.methods, duplicateOf: saved.duplicateOf };
}

export default defineWorker({
  contract: invoiceIngestContract,
  // Extractions queue up in the one sandbox (its OCR pool already uses every core); postings run alongside.
  options: () => ({ concurrency: 2 }),
  setup: ({ db, config, producer }) => {
    const sandbox = new ExtractionSandbox();
    let reconcile: NodeJS.Timeout | undefined;
    return {
      handlers: {
        'extract-invoice': ({ invoiceId }, ctx) => extractInvoice(invoiceId, ctx, sandbox),
        'post-invoice': async ({ invoiceId }) => {
          const result = await withTransaction(db, (trx) =>
            postInvoice(trx, invoiceId, {
              applyReceipts: (t, ids) => applyMovementGroup(t, ids.map((movementId) => ({ movementId }))),
              recordCost: (t, productId, costCents, source) => recordReplacementCost(t, productId, costCents, source),
              defaultLocationId: () => defaultLocationId(db),
            }),
          ).catch((err: unknown) => {
            if (pgConstraint(err) !== 'movement_requests_unit_quantity_whole') throw err;
            throw new PermanentError(`invoice ${invoiceId} receives a fraction of a product counted in units; correct the line's quantity or pack size`, 'invalid_quantity', { cause: err });
          });
          if (result.status === 'not_ready') throw new PermanentError(`invoice ${invoiceId} is not ready to post (every line needs a product, and a location must exist)`, 'invoice_not_ready');
          // After commit (also on a replay whose first run died before relaying).
          const relayed = await relayOutbox(db, producer, invoiceId);
          log.info('invoice posted', { invoiceId, result: result.status, products: result.productIds.length, relayed });
          return { status: result.status, productIds: result.productIds, relayed };
        },
      },
      onStart: async () => {
        // Invoices recorded while Redis was away are sent again; job ids make repeats harmless.
        reconcile = setInterval(() => {
          void findStaleQueuedInvoices(db, config.RECONCILE_GRACE_MS)
            .then((ids) => Promise.all(ids.map((invoiceId) => producer.enqueue(invoiceIngestContract, 'extract-invoice', { invoiceId }, { idempotencyKey: extractJobId(invoiceId) }))))
            .catch((err) => log.warn('invoice reconcile failed', { err }));
        }, config.RECONCILE_INTERVAL_MS);
        reconcile.unref();
        // Files stored before encryption existed are encrypted in the background, a chunk per transaction.
        void encryptPlaintextFiles(db, config).catch((err) => log.warn('plaintext file sweep stopped; the next start (or npm run rotate-data-key) continues it', { err }));
      },
      onClose: async () => {
        clearInterval(reconcile);
        await sandbox.close();
      },
    };
  },
});
