import { createHash } from 'node:crypto';
import { sql, type Insertable } from 'kysely';
import type { Database, ForecastsTable, ReorderSuggestionsTable } from '../../shared/db/database.js';
import {
  activateModelVersion,
  getActiveModelVersion,
  getModelVersion,
  listForecastTargets,
  loadDailySales,
  loadStockPositions,
  recentWape,
  refreshDailySales,
  SHOP_TIME_ZONE,
  type ForecastTarget,
} from '../../shared/db/repositories/forecasts.repository.js';
import { epochDay, isoDay } from '../../shared/domain/forecast/calendar.js';
import { FEATURE_COUNT, FEATURE_NAMES, type DemandSeries, type FeatureContext } from '../../shared/domain/forecast/features.js';
import { buildInflationIndex } from '../../shared/domain/forecast/inflation.js';
import { buildInferenceBatch, categoryIndexer, servedPlan, serveForecasts, type ForecastModel, type ServingPlan, type ValidationReport } from '../../shared/domain/forecast/model.js';
import type { GbtParams } from '../../shared/domain/forecast/gbt.js';
import { loadOnnxForecaster, measureOnnxParity, type OnnxForecaster } from '../../shared/domain/forecast/onnx-runner.js';
import { trainingDaysNeeded } from '../../shared/domain/forecast/backtest.js';
import { suggestReorder } from '../../shared/domain/forecast/reorder.js';
import { packHistory } from '../../shared/domain/forecast/training.js';
import { PermanentError } from '../../shared/errors.js';
import { forecastDrift, forecastModelTrainings, forecastRows } from '../../shared/metrics.js';
import { FORECAST_CHUNK_SIZE } from '../../shared/jobs/demand-forecasts.contract.js';
import { TrainingThreads } from './demand-forecasts.threads.js';
import { withTransaction } from '../../shared/db/transaction.js';

/** Days of history a forecast or a training reads (a year, so yearly events are in it). */
export const HISTORY_DAYS = 365;
/** Version name used when no trained model version is active. */
export const BASELINE_VERSION = 'baseline';
/** Service level for safety stock in reorder suggestions. */
export const SERVICE_LEVEL = 0.95;
/** Rolling-origin validation folds of a training. */
export const VALIDATION_FOLDS = 3;
/** ONNX outputs must match the TypeScript trees this closely before a version may serve. */
export const PARITY_TOLERANCE = 1e-4;
/** Serving when nothing was ever validated: SES for steady sellers, TSB for intermittent ones. */
export const DEFAULT_BASELINE_PLAN: ServingPlan = {
  smooth: { method: 'ses', dispersion: 0.3 },
  intermittent: { method: 'tsb', dispersion: 0.6 },
};

/** Yesterday in the shop's time zone: the last complete day of sales. */
export function lastCompleteDay(now: Date = new Date()): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: SHOP_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  return isoDay(epochDay(today) - 1);
}

interface SeriesWindow {
  startDay: number;
  days: number;
  series: DemandSeries[];
}

function buildSeries(targets: ForecastTarget[], sales: Map<string, Float64Array>, categories: string[], startDay: number, days: number, offset = 0): SeriesWindow {
  const index = categoryIndexer(categories);
  const series = targets.map((t) => ({
    quantity: sales.get(`${t.productId}:${t.locationId}`)!.subarray(offset, offset + days),
    // Shelf price history is not recorded yet: price features stay neutral.
    priceCentavos: new Float64Array(days),
    categoryIndex: index(t.category),
  }));
  return { startDay, days, series };
}

export interface TrainOptions {
  trainedThrough?: string;
  folds?: number;
  params?: Partial<GbtParams>;
  now?: Date;
  /** Threads to train in; the worker passes its own so a shutdown can abandon the training. */
  threads?: TrainingThreads;
  /** Progress: `training` once the thread runs the CPU work, then `storing`. */
  onStage?: (stage: 'training' | 'storing') => void;
}

export interface TrainOutcome {
  version: string;
  activated: boolean;
  reason: 'beats_best_baseline' | 'baseline_better' | 'onnx_parity_failed';
  validation: ValidationReport;
  trainingRows: number;
  trainingMs: number;
  validationMs: number;
  parityMaxRelDiff: number;
  created: boolean;
}

/**
 * Trains on the daily sales aggregate up to `trainedThrough`, validates with rolling origins
 * against the baselines, exports to ONNX, checks ONNX/TypeScript parity, stores the version and
 * activates it only when it beats the best baseline for at least one product class. The version
 * name hashes the ONNX bytes, so a retried job stores nothing twice. Database work stays here;
 * the CPU work (validation, fit, export) runs in a worker thread, and nothing is written until
 * it has finished: a training abandoned at shutdown leaves no row behind.
 */
export async function trainModel(db: Database, opts: TrainOptions = {}): Promise<TrainOutcome> {
  const through = opts.trainedThrough ?? lastCompleteDay(opts.now);
  const folds = opts.folds ?? VALIDATION_FOLDS;
  const threads = opts.threads ?? new TrainingThreads();
  // The preparation reads the whole sales history: a shutdown meanwhile stops it between steps.
  await refreshDailySales(db);
  threads.throwIfAbandoned();
  const fromDay = isoDay(epochDay(through) - HISTORY_DAYS + 1);
  const targets = await listForecastTargets(db, fromDay, through);
  if (targets.length === 0) throw new PermanentError(`no sales between ${fromDay} and ${through} to train on`, 'no_sales_history');
  threads.throwIfAbandoned();
  const sales = await loadDailySales(db, targets, fromDay, through);
  threads.throwIfAbandoned();

  // Start at the first day the shop sold anything: days before it are not zero demand.
  let first = HISTORY_DAYS;
  for (const s of sales.values()) {
    const i = s.findIndex((q) => q > 0);
    if (i >= 0 && i < first) first = i;
  }
  const days = HISTORY_DAYS - first;
  const needed = trainingDaysNeeded(folds);
  if (days < needed) throw new PermanentError(`training needs at least ${needed} days of sales; there are ${days}`, 'not_enough_history');
  const categories = [...new Set(targets.map((t) => t.category))].sort();
  const window = buildSeries(targets, sales, categories, epochDay(fromDay) + first, days, first);

  const trained = await threads.train(
    { history: packHistory(window.series, window.startDay, days), categories, trainedThrough: through, folds, params: opts.params },
    { onStarted: () => opts.onStage?.('training') },
  );
  opts.onStage?.('storing');
  const { version, model, onnx, validation, trainingRows, trainingMs } = trained;

  const forecaster = await loadOnnxForecaster(onnx);
  let parity: number;
  try {
    parity = await measureOnnxParity(forecaster, trained);
  } finally {
    await forecaster.release();
  }
  const parityOk = parity <= PARITY_TOLERANCE;
  const activate = parityOk && validation.activate;
  const reason = !parityOk ? 'onnx_parity_failed' : validation.activate ? 'beats_best_baseline' : 'baseline_better';

  const created = await withTransaction(db, async (trx) => {
    const inserted = await trx
      .insertInto('model_versions')
      .values({
        version,
        trained_from: isoDay(window.startDay),
        trained_through: through,
        training_rows: trainingRows,
        training_ms: trainingMs,
        feature_names: [...FEATURE_NAMES],
        validation: JSON.stringify({ ...validation, parityMaxRelDiff: parity }),
        serving_plan: JSON.stringify(validation.plan),
        model: JSON.stringify(model),
        onnx: Buffer.from(onnx),
        onnx_sha256: createHash('sha256').update(onnx).digest('hex'),
        activation_reason: reason,
      })
      .onConflict((oc) => oc.column('version').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted && activate) await activateModelVersion(trx, version);
    return inserted !== undefined;
  });
  if (created) forecastModelTrainings.inc({ outcome: activate ? 'activated' : parityOk ? 'kept_baseline' : 'parity_failed' });
  return { version, activated: activate, reason, validation, trainingRows, trainingMs, validationMs: trained.validationMs, parityMaxRelDiff: parity, created };
}

/** What serves a run: the ONNX session and plan of a model version, or baselines only. */
interface Serving {
  version: string;
  plan: ServingPlan;
  model?: ForecastModel;
  forecaster?: OnnxForecaster;
  validationWape?: number;
}

/**
 * The servings of model versions, each loaded once (an ONNX session holds native memory). One
 * per worker start, released at its shutdown; scripts and tests make their own.
 */
export class ServingSessions {
  readonly #sessions = new Map<string, Promise<Serving>>();

  async load(db: Database, version: string): Promise<Serving> {
    if (version === BASELINE_VERSION) {
      // The latest validation's per-class baseline choice, when one exists.
      const latest = await db.selectFrom('model_versions').select(['serving_plan', 'validation']).orderBy('id', 'desc').limit(1).executeTakeFirst();
      const plan = latest ? servedPlan({ ...(latest.validation as ValidationReport), plan: latest.serving_plan as ServingPlan }, false) : DEFAULT_BASELINE_PLAN;
      return { version, plan };
    }
    let cached = this.#sessions.get(version);
    if (!cached) {
      cached = (async () => {
        const row = await getModelVersion(db, version);
        if (!row) throw new PermanentError(`model version ${version} does not exist`, 'model_version_not_found');
        const validation = row.validation as ValidationReport;
        return {
          version,
          plan: row.serving_plan as ServingPlan,
          model: row.model as ForecastModel,
          forecaster: await loadOnnxForecaster(new Uint8Array(row.onnx)),
          validationWape: validation.overall?.model?.wape,
        };
      })();
      cached.catch(() => this.#sessions.delete(version));
      this.#sessions.set(version, cached);
    }
    return cached;
  }

  /** Releases the loaded ONNX sessions (worker shutdown, end of a script or test). */
  async release(): Promise<void> {
    const all = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.allSettled(all.map(async (p) => (await p).forecaster?.release()));
  }
}

export interface PlannedRun {
  runKey: string;
  originDay: string;
  modelVersion: string;
  chunks: { chunk: number; productIds: number[] }[];
  driftRatio?: number;
}

/**
 * Opens a forecast run for `originDay`: refreshes the sales aggregate, picks the active model
 * version (or baselines), splits the products that sold in the last year into chunks, and
 * measures drift (recent WAPE of the version's own forecasts vs its validation WAPE).
 */
export async function planForecastRun(db: Database, opts: { originDay?: string; now?: Date; chunkSize?: number } = {}): Promise<PlannedRun> {
  const originDay = opts.originDay ?? lastCompleteDay(opts.now);
  await refreshDailySales(db);
  const active = await getActiveModelVersion(db);
  const modelVersion = active?.version ?? BASELINE_VERSION;
  const fromDay = isoDay(epochDay(originDay) - HISTORY_DAYS + 1);
  const targets = await listForecastTargets(db, fromDay, originDay);
  const productIds = [...new Set(targets.map((t) => t.productId))].sort((a, b) => a - b);
  const size = opts.chunkSize ?? FORECAST_CHUNK_SIZE;
  const chunks = [];
  for (let i = 0; i * size < productIds.length; i++) chunks.push({ chunk: i, productIds: productIds.slice(i * size, (i + 1) * size) });
  const runKey = `${originDay}_${modelVersion}`;

  let driftRatio: number | undefined;
  const validationWape = (active?.validation as ValidationReport | undefined)?.overall?.model?.wape;
  const recent = await recentWape(db, modelVersion, isoDay(epochDay(originDay) - 13), originDay);
  if (recent !== undefined && validationWape) {
    driftRatio = recent / validationWape;
    forecastDrift.set(driftRatio);
  }
  await db
    .insertInto('forecast_runs')
    .values({ run_key: runKey, origin_day: originDay, model_version: modelVersion, chunks_total: chunks.length, recent_wape: recent ?? null, finished_at: chunks.length === 0 ? new Date() : null })
    // A replanned run keeps its chunk layout (job ids derive from it) and refreshes its drift reading.
    .onConflict((oc) => oc.column('run_key').doUpdateSet((eb) => ({ recent_wape: eb.ref('excluded.recent_wape') })))
    .execute();
  return { runKey, originDay, modelVersion, chunks, driftRatio };
}

export interface ChunkInput {
  runKey: string;
  originDay: string;
  modelVersion: string;
  chunk: number;
  productIds: number[];
}

const qty = (x: number): string => (Math.round(x * 1000) / 1000).toFixed(3);

/**
 * Forecasts one chunk: loads a year of daily sales, runs the ONNX model on one batch (before
 * any transaction), serves per class (model or baseline), computes reorder suggestions, then
 * writes forecasts, suggestions and the chunk marker in one transaction. Re-running a chunk
 * overwrites the same rows (unique keys) and counts progress once.
 */
export async function forecastChunk(db: Database, input: ChunkInput, sessions: ServingSessions): Promise<{ forecasts: number; suggestions: number }> {
  const serving = await sessions.load(db, input.modelVersion);
  const origin = epochDay(input.originDay);
  const fromDay = isoDay(origin - HISTORY_DAYS + 1);
  const targets = await listForecastTargets(db, fromDay, input.originDay, input.productIds);
  const sales = await loadDailySales(db, targets, fromDay, input.originDay);
  const categories = serving.model?.categories ?? [];
  const window = buildSeries(targets, sales, categories, origin - HISTORY_DAYS + 1, HISTORY_DAYS);
  const ctx: FeatureContext = { startDay: window.startDay, inflation: buildInflationIndex() };
  const last = HISTORY_DAYS - 1;

  let modelMeans: Float64Array | undefined;
  if (serving.forecaster && targets.length > 0) {
    const x = buildInferenceBatch(window.series, last, ctx);
    modelMeans = Float64Array.from(await serving.forecaster.run(x, FEATURE_COUNT));
  }
  const served = serveForecasts(window.series, last, serving.plan, modelMeans);
  const positions = await loadStockPositions(db, targets);

  const forecastRowsOut: Insertable<ForecastsTable>[] = [];
  const suggestions: Insertable<ReorderSuggestionsTable>[] = [];
  const methods = new Map<string, number>();
  for (const [i, t] of targets.entries()) {
    const s = served[i]!;
    methods.set(s.method, (methods.get(s.method) ?? 0) + s.points.length);
    for (const p of s.points) {
      forecastRowsOut.push({
        model_version: input.modelVersion,
        product_id: t.productId,
        location_id: t.locationId,
        day: isoDay(origin + p.horizon),
        origin_day: input.originDay,
        horizon: p.horizon,
        method: s.method,
        product_class: s.productClass,
        mean: qty(p.mean),
        p50: qty(p.p50),
        p90: qty(Math.max(p.p50, p.p90)),
      });
    }
    const pos = positions.get(`${t.productId}:${t.locationId}`)!;
    const r = suggestReorder({
      dailyMeans: s.points.map((p) => p.mean),
      dispersion: serving.plan[s.productClass].dispersion,
      leadTimeDays: t.leadTimeDays,
      reviewPeriodDays: t.reviewPeriodDays,
      serviceLevel: SERVICE_LEVEL,
      onHand: pos.onHand,
      onOrder: pos.onOrder,
      packSize: t.packSize,
    });
    suggestions.push({
      product_id: t.productId,
      location_id: t.locationId,
      origin_day: input.originDay,
      model_version: input.modelVersion,
      supplier_code: t.supplierCode,
      demand: qty(r.demand),
      safety_stock: qty(r.safetyStock),
      on_hand: qty(pos.onHand),
      on_order: qty(pos.onOrder),
      pack_size: qty(t.packSize),
      packs: r.packs,
      quantity: qty(r.quantity),
    });
  }

  await withTransaction(db, async (trx) => {
    for (let i = 0; i < forecastRowsOut.length; i += 2000) {
      await trx
        .insertInto('forecasts')
        .values(forecastRowsOut.slice(i, i + 2000))
        .onConflict((oc) =>
          oc.constraint('forecasts_model_version_product_location_day_key').doUpdateSet((eb) => ({
            origin_day: eb.ref('excluded.origin_day'),
            horizon: eb.ref('excluded.horizon'),
            method: eb.ref('excluded.method'),
            product_class: eb.ref('excluded.product_class'),
            mean: eb.ref('excluded.mean'),
            p50: eb.ref('excluded.p50'),
            p90: eb.ref('excluded.p90'),
            created_at: sql`now()`,
          })).where((eb) => eb('forecasts.origin_day', '<=', eb.ref('excluded.origin_day'))),
        )
        .execute();
    }
    for (let i = 0; i < suggestions.length; i += 2000) {
      await trx
        .insertInto('reorder_suggestions')
        .values(suggestions.slice(i, i + 2000))
        .onConflict((oc) =>
          oc.constraint('reorder_suggestions_product_location_origin_key').doUpdateSet((eb) => ({
            model_version: eb.ref('excluded.model_version'),
            supplier_code: eb.ref('excluded.supplier_code'),
            demand: eb.ref('excluded.demand'),
            safety_stock: eb.ref('excluded.safety_stock'),
            on_hand: eb.ref('excluded.on_hand'),
            on_order: eb.ref('excluded.on_order'),
            pack_size: eb.ref('excluded.pack_size'),
            packs: eb.ref('excluded.packs'),
            quantity: eb.ref('excluded.quantity'),
          })),
        )
        .execute();
    }
    const run = await trx.selectFrom('forecast_runs').select('id').where('run_key', '=', input.runKey).executeTakeFirst();
    if (!run) throw new PermanentError(`forecast run ${input.runKey} does not exist`, 'forecast_run_not_found');
    const marked = await trx
      .insertInto('forecast_run_chunks')
      .values({ run_id: run.id, chunk: input.chunk, rows_written: forecastRowsOut.length })
      .onConflict((oc) => oc.columns(['run_id', 'chunk']).doNothing())
      .returning('chunk')
      .executeTakeFirst();
    if (marked) {
      await trx
        .updateTable('forecast_runs')
        .set((eb) => ({
          chunks_done: eb('chunks_done', '+', 1),
          finished_at: sql`CASE WHEN chunks_done + 1 >= chunks_total THEN now() ELSE finished_at END`,
        }))
        .where('id', '=', run.id)
        .execute();
    }
  });
  for (const [method, n] of methods) forecastRows.inc({ method }, n);
  return { forecasts: forecastRowsOut.length, suggestions: suggestions.length };
}

/**
 * Plans a run and forecasts every chunk in this process (no queue): for scripts, the demo
 * seed and tests. The queue path does the same work spread over workers.
 */
export async function runForecastNow(db: Database, sessions: ServingSessions, opts: { originDay?: string; now?: Date } = {}): Promise<PlannedRun & { forecasts: number }> {
  const run = await planForecastRun(db, opts);
  let forecasts = 0;
  for (const c of run.chunks) {
    forecasts += (await forecastChunk(db, { runKey: run.runKey, originDay: run.originDay, modelVersion: run.modelVersion, ...c }, sessions)).forecasts;
  }
  return { ...run, forecasts };
}
