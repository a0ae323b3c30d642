import { readFile } from 'node:fs/promises';
import type { Config } from '../shared/config.js';
import type { Database } from '../shared/db/database.js';
import { withTransaction } from '../shared/db/transaction.js';
import { effectiveExpected, importIndexRows } from '../shared/db/repositories/pricing-index.repository.js';
import { createRun, markEnqueued } from '../shared/db/repositories/pricing-runs.repository.js';
import { parseIndexCsv, type IndexSeries } from '../shared/domain/pricing/index-series.js';
import { formatPercent } from '../shared/domain/pricing/rates.js';
import { PermanentError } from '../shared/errors.js';
import { logger } from '../shared/logging.js';
import { IMPORT_SCHEDULER_ID, indexRunId, inflationUpdatesContract } from '../shared/jobs/inflation-updates.contract.js';
import type { Producer } from '../shared/jobs/enqueue.js';
import { priceRecalculationsContract, runFlow } from '../shared/jobs/price-recalculations.contract.js';
import { defineWorker } from './define-worker.js';

const log = logger.child({ component: 'inflation-updates' });

/**
 * Starts (once per period and revision) a run repricing every product at an expected rate, and
 * fans it out as a flow of chunk jobs on price-recalculations.
 */
async function applyExpectedRate({ db, config, producer }: { db: Database; config: Config; producer: Producer }, rate: { period: string; rateBp: number; revision: number }) {
  const plan = await withTransaction(db, (trx) =>
    createRun(
      trx,
      {
        id: indexRunId(rate.period, rate.revision),
        trigger: 'index',
        scope: { kind: 'all' },
        reason: `expected inflation ${rate.period}: ${formatPercent(rate.rateBp)} % a month`,
        forward: { period: rate.period, rateBp: rate.rateBp },
      },
      config.PRICING_CHUNK_SIZE,
    ),
  );
  if (plan.status === 'planned') {
    await producer.enqueueFlow(priceRecalculationsContract, runFlow(plan));
    await markEnqueued(db, plan.id);
  }
  return { runId: plan.id, created: plan.created, chunks: plan.chunks.length };
}

async function readSource(source: string): Promise<string> {
  if (/^https?:\/\//i.test(source)) {
    const res = await fetch(source, { signal: AbortSignal.timeout(15_000) });
    // A server error may pass; a missing file will not.
    if (res.status === 404 || res.status === 410) throw new PermanentError(`index source ${source} answered ${res.status}`, 'index_source_missing');
    if (!res.ok) throw new Error(`index source ${source} answered ${res.status}`);
    return res.text();
  }
  try {
    return await readFile(source, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') throw new PermanentError(`index source file ${source} does not exist`, 'index_source_missing', { cause: err });
    throw err;
  }
}

/** `inflation-updates`: scheduled index imports and fan-out of repricing at a new expected rate. */
export default defineWorker({
  contract: inflationUpdatesContract,
  setup: ({ config, producer }) => ({
    handlers: {
      'import-index': async ({ source, series }, ctx) => {
        const text = await readSource(source);
        const { rows, errors } = parseIndexCsv(text, { series: series as IndexSeries, source });
        if (errors.length) {
          throw new PermanentError(`index file ${source} has bad lines, nothing imported: ${errors.map((e) => `line ${e.line}: ${e.message}`).join('; ')}`, 'index_file_invalid');
        }
        const result = await withTransaction(ctx.db, (trx) => importIndexRows(trx, rows));
        let run = null;
        if (result.expectedChanged) {
          const rate = await effectiveExpected(ctx.db);
          if (rate) run = await applyExpectedRate(ctx, rate);
        }
        log.info('index imported', { source, inserted: result.inserted, revised: result.revised, unchanged: result.unchanged });
        return { ...result, run };
      },
      'apply-index': (rate, ctx) => applyExpectedRate(ctx, rate),
    },
    onStart: async () => {
      if (config.INFLATION_INDEX_SOURCE) {
        const payload = { source: config.INFLATION_INDEX_SOURCE, series: config.INFLATION_INDEX_SOURCE_SERIES };
        await producer.schedule(inflationUpdatesContract, IMPORT_SCHEDULER_ID, { every: config.INFLATION_IMPORT_EVERY_MS }, 'import-index', payload);
      } else {
        await producer.unschedule(inflationUpdatesContract, IMPORT_SCHEDULER_ID);
      }
    },
  }),
});
