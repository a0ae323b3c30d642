import { z } from 'zod';
import { INDEX_SERIES } from '../domain/pricing/index-series.js';
import { defineContract, standardJobOptions } from './contract.js';

/**
 * `inflation-updates`: the index series. `import-index` reads a CSV from a file or URL (the
 * scheduled import) with revision handling; `apply-index` starts a repricing run of every
 * product at a new expected monthly rate (a flow of price-recalculations chunks).
 */
export const inflationUpdatesContract = defineContract({
  queue: 'inflation-updates',
  jobs: {
    'import-index': z.object({ source: z.string().min(1).max(2000), series: z.enum(INDEX_SERIES) }),
    'apply-index': z.object({
      period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
      rateBp: z.number().int(),
      revision: z.number().int().min(1),
    }),
  },
  defaultJobOptions: standardJobOptions,
  jobOptions: { 'import-index': { attempts: 3, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } },
});

/** The run an expected rate starts: one per (period, revision), so re-applying it changes nothing. */
export const indexRunId = (period: string, revision: number) => `index-expected-${period}-r${revision}`;
export const applyIndexJobId = (period: string, revision: number) => `apply-${indexRunId(period, revision)}`;
export const IMPORT_SCHEDULER_ID = 'inflation-index-import';
