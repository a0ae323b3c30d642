import type { Database } from '../db/database.js';
import { withTransaction } from '../db/transaction.js';
import { effectiveExpected, importIndexRows, type EffectiveRate, type ImportResult } from '../db/repositories/pricing-index.repository.js';
import { rowProblems, type IndexRow, type IndexSeries } from '../domain/pricing/index-series.js';
import { parsePercentBp } from '../domain/pricing/rates.js';
import { ServiceUnavailableError, ValidationError, type FieldError } from '../errors.js';
import { indexRunId } from '../jobs/inflation-updates.contract.js';
import { logger } from '../logging.js';

const log = logger.child({ component: 'inflation-index' });

/** How a new expected rate reaches the workers (the API passes its producer's typed enqueue). */
export interface IndexQueue {
  enqueueApplyIndex(rate: EffectiveRate): Promise<string>;
}

export type Repricing = { runId: string; job: string };

/**
 * Queues repricing at the effective expected rate; one run per (period, revision), so repeating
 * is harmless. Null when there is no expected series.
 */
export async function applyExpectedRate(db: Database, queue: IndexQueue): Promise<Repricing | null> {
  const rate = await effectiveExpected(db);
  if (!rate) return null;
  try {
    const job = await queue.enqueueApplyIndex(rate);
    return { runId: indexRunId(rate.period, rate.revision), job: `/v1/jobs/inflation-updates/${job}` };
  } catch (err) {
    log.warn('apply-index not enqueued', { period: rate.period, err });
    throw new ServiceUnavailableError('the index is saved, but repricing could not be queued; POST /v1/inflation-index/apply once the queue is back');
  }
}

/** Stores rows in one transaction (a changed rate is a revision); a new effective expected rate starts repricing every product. */
export async function storeIndexRows(db: Database, queue: IndexQueue, rows: IndexRow[]): Promise<ImportResult & { repricing: Repricing | null }> {
  const result = await withTransaction(db, (trx) => importIndexRows(trx, rows));
  return { ...result, repricing: result.expectedChanged ? await applyExpectedRate(db, queue) : null };
}

/** Checks rows as a client sent them (rate in percent) and stores them; one bad row and nothing is stored. */
export async function importIndex(
  db: Database,
  queue: IndexQueue,
  input: { series: IndexSeries; period: string; rate: string | number; source: string }[],
): Promise<ImportResult & { repricing: Repricing | null }> {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const rows = input.map((r, i): IndexRow => {
    const rateBp = parsePercentBp(r.rate);
    for (const message of rowProblems(r.series, r.period, rateBp)) errors.push({ path: `rows.${i}`, message });
    if (seen.has(`${r.series}/${r.period}`)) errors.push({ path: `rows.${i}`, message: `${r.series} ${r.period} appears twice` });
    seen.add(`${r.series}/${r.period}`);
    return { series: r.series, period: r.period, rateBp: rateBp ?? 0, source: r.source };
  });
  if (errors.length) throw new ValidationError(`nothing imported; fix these rows: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors);
  return storeIndexRows(db, queue, rows);
}
