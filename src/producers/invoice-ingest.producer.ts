import type { Producer } from '../shared/jobs/enqueue.js';
import { extractJobId, invoiceIngestContract, postJobId } from '../shared/jobs/invoice-ingest.contract.js';

/** Sends a recorded invoice to extraction; a duplicate call is a no-op. */
export function enqueueExtraction(producer: Producer, invoiceId: string): Promise<string> {
  return producer.enqueue(invoiceIngestContract, 'extract-invoice', { invoiceId }, { idempotencyKey: extractJobId(invoiceId) });
}

/** Sends a reviewed (or confident) invoice to posting; posting twice has one effect. */
export function enqueuePosting(producer: Producer, invoiceId: string): Promise<string> {
  return producer.enqueue(invoiceIngestContract, 'post-invoice', { invoiceId }, { idempotencyKey: postJobId(invoiceId) });
}
