import type { Producer } from '../shared/jobs/enqueue.js';
import { applyIndexJobId, inflationUpdatesContract } from '../shared/jobs/inflation-updates.contract.js';

/** Starts repricing every product at a new expected rate; one job per (period, revision). */
export function enqueueApplyIndex(producer: Producer, rate: { period: string; rateBp: number; revision: number }): Promise<string> {
  return producer.enqueue(inflationUpdatesContract, 'apply-index', rate, { idempotencyKey: applyIndexJobId(rate.period, rate.revision) });
}

/** Imports an index CSV from a file path or an http(s) URL, now. */
export function enqueueIndexImport(producer: Producer, job: { source: string; series: 'official' | 'expected' }): Promise<string> {
  return producer.enqueue(inflationUpdatesContract, 'import-index', job);
}
