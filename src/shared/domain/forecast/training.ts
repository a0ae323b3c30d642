import { createHash } from 'node:crypto';
import { FEATURE_NAMES, type DemandSeries, type FeatureContext } from './features.js';
import type { GbtParams } from './gbt.js';
import { buildInflationIndex } from './inflation.js';
import { buildInferenceBatch, predictModel, rollingOriginValidation, trainForecastModel, type ForecastModel, type ValidationReport } from './model.js';
import { exportGbtToOnnx } from './onnx-export.js';

/**
 * Daily histories of many series in flat typed arrays (series `i`, day `d` at `i * days + d`):
 * plain data that crosses a thread boundary as a few buffers instead of thousands of objects.
 */
export interface PackedHistory {
  /** Epoch day of index 0 of every series. */
  startDay: number;
  days: number;
  quantity: Float64Array;
  priceCentavos: Float64Array;
  categoryIndex: Int32Array;
}

/** Copies the first `days` days of each series into a `PackedHistory`. */
export function packHistory(series: readonly DemandSeries[], startDay: number, days: number): PackedHistory {
  const quantity = new Float64Array(series.length * days);
  const priceCentavos = new Float64Array(series.length * days);
  const categoryIndex = new Int32Array(series.length);
  series.forEach((s, i) => {
    for (let d = 0; d < days; d++) {
      quantity[i * days + d] = s.quantity[d] ?? 0;
      priceCentavos[i * days + d] = s.priceCentavos[d] ?? 0;
    }
    categoryIndex[i] = s.categoryIndex;
  });
  return { startDay, days, quantity, priceCentavos, categoryIndex };
}

/** Series views over a `PackedHistory` (no copies). */
export function unpackHistory(history: PackedHistory): DemandSeries[] {
  const { days } = history;
  return Array.from(history.categoryIndex, (categoryIndex, i) => ({
    quantity: history.quantity.subarray(i * days, (i + 1) * days),
    priceCentavos: history.priceCentavos.subarray(i * days, (i + 1) * days),
    categoryIndex,
  }));
}

export interface TrainingRequest {
  history: PackedHistory;
  /** Category codes in the model's index order. */
  categories: string[];
  /** ISO day of the history's last day: part of the version name. */
  trainedThrough: string;
  folds: number;
  params?: Partial<GbtParams>;
}

export interface TrainingResult {
  /** `gbt-<trainedThrough>-<hash of the ONNX bytes>`: a retried training names the same version. */
  version: string;
  model: ForecastModel;
  onnx: Uint8Array;
  validation: ValidationReport;
  trainingRows: number;
  /** Time of the final fit (validation excluded). */
  trainingMs: number;
  validationMs: number;
  /** The inference batch at the last day and the TypeScript trees' means for it: the reference an ONNX session must reproduce. */
  parityInput: Float32Array;
  parityExpected: Float64Array;
}

/**
 * The CPU-bound part of a training, with no I/O: rolling-origin validation against the
 * baselines, the final fit on the whole window, the ONNX export and its version name. Plain
 * data in and out, so a worker thread runs it while the caller's event loop stays free.
 */
export function trainAndExport(request: TrainingRequest): TrainingResult {
  const { history, categories, folds, params } = request;
  const series = unpackHistory(history);
  const ctx: FeatureContext = { startDay: history.startDay, inflation: buildInflationIndex() };
  const last = history.days - 1;

  const validationStarted = performance.now();
  const validation = rollingOriginValidation(series, categories, ctx, { lastDay: last, folds, params });
  const validationMs = Math.round(performance.now() - validationStarted);
  const started = performance.now();
  const model = trainForecastModel(series, categories, ctx, { lastTarget: last, params });
  const trainingMs = Math.round(performance.now() - started);

  // The version names the bytes; the bytes embed the version, so hash a draft first.
  const draft = exportGbtToOnnx(model.gbt, { version: 'pending', featureNames: FEATURE_NAMES });
  const digest = createHash('sha256').update(draft).digest('hex');
  const version = `gbt-${request.trainedThrough}-${digest.slice(0, 10)}`;
  const onnx = exportGbtToOnnx(model.gbt, { version, featureNames: FEATURE_NAMES });

  const parityInput = buildInferenceBatch(series, last, ctx);
  return {
    version,
    model,
    onnx,
    validation,
    trainingRows: Math.max(0, history.days - 56) * series.length,
    trainingMs,
    validationMs,
    parityInput,
    parityExpected: predictModel(model, parityInput),
  };
}
