/**
 * `npm run train [-- --through YYYY-MM-DD] [--forecast]`: trains a demand model on the daily
 * sales aggregate, validates it against the baselines, stores it (activated only if it wins)
 * and, with --forecast, runs a forecast for the same day in this process.
 */
import { parseArgs } from 'node:util';
import { getConfig } from '../src/shared/config.js';
import { createDatabase } from '../src/shared/db/database.js';
import { runForecastNow, ServingSessions, trainModel } from '../src/workers/processors/demand-forecasts.processor.js';

const { values } = parseArgs({ options: { through: { type: 'string' }, forecast: { type: 'boolean', default: false }, folds: { type: 'string' } } });
const config = getConfig();
const db = createDatabase({ url: config.DATABASE_URL, max: 2, applicationName: 'gondola-train' });
const sessions = new ServingSessions();
try {
  const outcome = await trainModel(db, { trainedThrough: values.through, folds: values.folds ? Number(values.folds) : undefined });
  const v = outcome.validation;
  console.log(
    JSON.stringify({
      version: outcome.version,
      activated: outcome.activated,
      reason: outcome.reason,
      trainingRows: outcome.trainingRows,
      trainingMs: outcome.trainingMs,
      onnxParityMaxRelDiff: outcome.parityMaxRelDiff,
      plan: v.plan,
      wape: Object.fromEntries(Object.entries(v.overall).map(([m, s]) => [m, Math.round(s.wape * 1e4) / 1e4])),
      mase: Object.fromEntries(Object.entries(v.overall).map(([m, s]) => [m, Math.round(s.mase * 1e4) / 1e4])),
    }),
  );
  if (values.forecast) {
    const run = await runForecastNow(db, sessions, { originDay: values.through });
    console.log(JSON.stringify({ runKey: run.runKey, modelVersion: run.modelVersion, chunks: run.chunks.length, forecasts: run.forecasts }));
  }
} finally {
  await sessions.release();
  await db.destroy();
}
