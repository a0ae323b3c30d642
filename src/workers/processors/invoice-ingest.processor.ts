/**
 * The CPU work of `extract-invoice`, meant to run outside the worker's event loop (so BullMQ
 * lock renewal never stalls): QR, PDF text layer, rasterizing, OCR. Two ways to run it:
 * - as a BullMQ sandboxed processor (default export, job.data = `ExtractRequest`);
 * - forked by `ExtractionSandbox` (argument `--invoice-extractor`), answering IPC requests.
 * Either way the tesseract.js pool lives as long as the process and serves every job.
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { getConfig } from '../../shared/config.js';
import { extractInvoice, type ExtractionOutput, type InvoiceMimeType } from './invoice-ingest/extract.js';
import { OcrPool } from './invoice-ingest/ocr-pool.js';
import { ExtractionTimeoutError, FileTooLargeError, UnreadableFileError, type ExtractFailure } from '../../shared/errors.js';

export interface ExtractRequest {
  /**
   * The file's bytes (the worker sends the decrypted file over IPC: plaintext never touches the
   * disk), or the path of a local file (benches and tools reading files that are not stored).
   */
  bytes?: Uint8Array;
  filePath?: string;
  mimeType: InvoiceMimeType;
  deadlineMs: number;
}

export interface ExtractResponse {
  output: ExtractionOutput;
  /** Peak resident set of this process so far, in KiB. */
  maxRssKb: number;
  /** Resident set now, in KiB. */
  rssKb: number;
}

export type { ExtractFailure };

let pool: OcrPool | undefined;

function ocrPool(): OcrPool {
  const size = getConfig().OCR_POOL_SIZE;
  pool ??= new OcrPool(size > 0 ? { size } : {});
  return pool;
}

/** Runs one extraction with its deadline; a timed-out OCR pool is torn down so it stops burning CPU. */
export async function runExtraction(req: ExtractRequest): Promise<ExtractResponse> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new ExtractionTimeoutError(req.deadlineMs)), req.deadlineMs);
  try {
    const bytes = req.bytes ? Buffer.from(req.bytes.buffer, req.bytes.byteOffset, req.bytes.byteLength) : req.filePath ? await readFile(req.filePath) : undefined;
    if (!bytes) throw new UnreadableFileError('the extraction request carries neither bytes nor a file path');
    const steps = getConfig().INVOICE_PHOTO_STEPS;
    const photo = { pageDetect: steps.includes('page'), orientation: steps.includes('orientation'), flattenLight: steps.includes('light'), binarize: steps.includes('binarize'), qrSearch: steps.includes('qr'), secondLook: steps.includes('second'), headerLook: steps.includes('header') };
    const work = extractInvoice(bytes, req.mimeType, { ocr: ocrPool(), photo, signal: controller.signal });
    const aborted = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true }));
    const output = await Promise.race([work, aborted]);
    return { output, maxRssKb: process.resourceUsage().maxRSS, rssKb: Math.round(process.memoryUsage.rss() / 1024) };
  } catch (err) {
    if (err instanceof ExtractionTimeoutError) {
      const stale = pool;
      pool = undefined;
      await stale?.terminate();
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

export function failureOf(err: unknown): ExtractFailure {
  if (err instanceof ExtractionTimeoutError) return { code: 'extraction_timeout', message: err.message };
  if (err instanceof UnreadableFileError || err instanceof FileTooLargeError) return { code: 'unreadable_file', message: err.message };
  return { code: 'extraction_error', message: err instanceof Error ? err.message : String(err) };
}

/** BullMQ sandboxed-processor entry. */
export default async function processExtractJob(job: { data: ExtractRequest }): Promise<ExtractResponse> {
  return runExtraction(job.data);
}

if (process.argv.includes('--invoice-extractor') && process.send) {
  // One page at a time per OCR worker: libvips' cache and thread pool only add resident memory here.
  sharp.cache(false);
  sharp.concurrency(1);
  process.on('message', (msg: { id: number; request: ExtractRequest }) => {
    runExtraction(msg.request).then(
      (response) => process.send!({ id: msg.id, ok: true, response }),
      (err: unknown) => process.send!({ id: msg.id, ok: false, failure: failureOf(err) }),
    );
  });
  process.on('disconnect', () => {
    void pool?.terminate().finally(() => process.exit(0));
    if (!pool) process.exit(0);
  });
  process.send({ ready: true });
}
