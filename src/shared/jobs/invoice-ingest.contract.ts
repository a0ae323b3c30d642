import { z } from 'zod';
import { defineContract, standardJobOptions } from './contract.js';

/**
 * `invoice-ingest`: supplier invoices. The API records the file and the invoice (`queued`)
 * before answering; jobs carry the invoice id only — the file stays in PostgreSQL by content key.
 */
export const invoiceIngestContract = defineContract({
  queue: 'invoice-ingest',
  jobs: {
    /** QR / text layer / OCR in the sandboxed extraction process, then matching and status. */
    'extract-invoice': z.object({ invoiceId: z.uuid() }),
    /** One transaction: receipt movements, replacement costs, repricing outbox row. */
    'post-invoice': z.object({ invoiceId: z.uuid() }),
  },
  defaultJobOptions: { ...standardJobOptions, attempts: 5 },
  // Extraction is expensive and deterministic: a timeout or unreadable file is final, infrastructure errors retry a little.
  jobOptions: { 'extract-invoice': { attempts: 3 } },
});

export const extractJobId = (invoiceId: string) => `inv-x-${invoiceId}`;
export const postJobId = (invoiceId: string) => `inv-p-${invoiceId}`;
