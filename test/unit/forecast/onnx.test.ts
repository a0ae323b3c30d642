import test from 'ava';
import { epochDay } from '../../../src/shared/domain/forecast/calendar.js';
import { FEATURE_COUNT, FEATURE_NAMES } from '../../../src/shared/domain/forecast/features.js';
import { buildInflationIndex } from '../../../src/shared/domain/forecast/inflation.js';
import { buildInferenceBatch, categoryIndexer, predictModel, trainForecastModel } from '../../../src/shared/domain/forecast/model.js';
import { decodeOnnxModel, exportGbtToOnnx } from '../../../src/shared/domain/forecast/onnx-export.js';
import { loadOnnxForecaster } from '../../../src/shared/domain/forecast/onnx-runner.js';
import { SIM_CATEGORIES, simulateCatalog, simulateSalesHistory } from '../../../src/shared/domain/forecast/simulate.js';

const products = simulateCatalog({ count: 60, seed: 21 });
const history = simulateSalesHistory({ products, start: '2025-02-01', days: 200, seed: 21 });
const categories = [...SIM_CATEGORIES];
const index = categoryIndexer(categories);
const series = history.series.map((s) => ({ quantity: s.quantity, priceCentavos: s.priceCentavos, categoryIndex: index(s.product.category) }));
const ctx = { startDay: epochDay(history.start), inflation: buildInflationIndex() };
const model = trainForecastModel(series, categories, ctx, { lastTarget: 180, params: { rounds: 40, maxDepth: 5 } });
const bytes = exportGbtToOnnx(model.gbt, { version: 'test-1', featureNames: FEATURE_NAMES });

test('the ONNX model run by onnxruntime-node equals the TypeScript model', async (t) => {
  const forecaster = await loadOnnxForecaster(bytes);
  try {
    const x = buildInferenceBatch(series, 185, ctx);
    const onnx = await forecaster.run(x, FEATURE_COUNT);
    const ts = predictModel(model, x);
    t.is(onnx.length, ts.length);
    let worst = 0;
    for (let i = 0; i < ts.length; i++) worst = Math.max(worst, Math.abs(onnx[i]! - ts[i]!) / Math.max(ts[i]!, 1e-3));
    t.true(worst < 1e-5, `worst relative difference ${worst}`);
  } finally {
    await forecaster.release();
  }
});

test('one batched run equals one run per row', async (t) => {
  const forecaster = await loadOnnxForecaster(bytes);
  try {
    const x = buildInferenceBatch(series.slice(0, 5), 150, ctx);
    const batched = await forecaster.run(x, FEATURE_COUNT);
    for (let r = 0; r < batched.length; r++) {
      const single = await forecaster.run(x.slice(r * FEATURE_COUNT, (r + 1) * FEATURE_COUNT), FEATURE_COUNT);
      t.is(single[0], batched[r]);
    }
  } finally {
    await forecaster.release();
  }
});

test('the exported graph declares its opsets, ops and feature columns', (t) => {
  const decoded = decodeOnnxModel(bytes) as {
    opset_import: { domain?: string; version: number }[];
    graph: { node: { op_type: string; domain?: string }[] };
    metadata_props: { key: string; value: string }[];
  };
  t.deepEqual(decoded.opset_import.map((o) => [o.domain ?? '', o.version]), [['', 17], ['ai.onnx.ml', 3]]);
  t.deepEqual(decoded.graph.node.map((n) => n.op_type), ['TreeEnsembleRegressor', 'Gather', 'Log', 'Add', 'Exp']);
  t.is(decoded.metadata_props.find((m) => m.key === 'feature_names')?.value, FEATURE_NAMES.join(','));
});
