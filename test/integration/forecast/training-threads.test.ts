import test from 'ava';
import { epochDay } from '../../../src/shared/domain/forecast/calendar.js';
import { FEATURE_COUNT } from '../../../src/shared/domain/forecast/features.js';
import { categoryIndexer } from '../../../src/shared/domain/forecast/model.js';
import { loadOnnxForecaster } from '../../../src/shared/domain/forecast/onnx-runner.js';
import { SIM_CATEGORIES, simulateCatalog, simulateSalesHistory } from '../../../src/shared/domain/forecast/simulate.js';
import { packHistory, trainAndExport, unpackHistory, type TrainingRequest } from '../../../src/shared/domain/forecast/training.js';
import { TrainingThreads } from '../../../src/workers/processors/demand-forecasts.threads.js';
import { TrainingAbandonedError } from '../../../src/shared/errors.js';

function request(products: number, days: number, params?: TrainingRequest['params']): TrainingRequest {
  const history = simulateSalesHistory({ products: simulateCatalog({ count: products, seed: 5 }), start: '2025-01-01', days, seed: 5 });
  const categories = [...SIM_CATEGORIES];
  const index = categoryIndexer(categories);
  const series = history.series.map((s) => ({ quantity: s.quantity, priceCentavos: s.priceCentavos, categoryIndex: index(s.product.category) }));
  return { history: packHistory(series, epochDay(history.start), days), categories, trainedThrough: '2025-07-19', folds: 2, params };
}

test('packing a history keeps every series, day and category', (t) => {
  const req = request(7, 120);
  const series = unpackHistory(req.history);
  t.is(series.length, 7);
  const again = packHistory(series, req.history.startDay, req.history.days);
  t.deepEqual(again, req.history);
  t.true(series.some((s) => Array.from(s.quantity).some((q) => q > 0)));
});

test('a training in a worker thread returns what the same training returns in process, and ONNX reproduces its trees', async (t) => {
  const req = request(30, 200, { rounds: 20, learningRate: 0.15 });
  const inProcess = trainAndExport(req);
  const threads = new TrainingThreads();
  const viaThread = await threads.train(req);
  t.is(viaThread.version, inProcess.version);
  t.deepEqual(viaThread.model, inProcess.model);
  t.deepEqual(viaThread.validation, inProcess.validation);
  // A Buffer in process, a plain Uint8Array after the thread boundary: compare the bytes.
  t.is(Buffer.compare(Buffer.from(viaThread.onnx), Buffer.from(inProcess.onnx)), 0);
  t.deepEqual(viaThread.parityExpected, inProcess.parityExpected);
  t.is(threads.running, 0, 'the thread ends after answering');

  const session = await loadOnnxForecaster(viaThread.onnx);
  try {
    const out = await session.run(viaThread.parityInput, FEATURE_COUNT);
    t.is(out.length, viaThread.parityExpected.length);
    for (let i = 0; i < out.length; i++) t.true(Math.abs(out[i]! - viaThread.parityExpected[i]!) <= 1e-4 * Math.max(1, viaThread.parityExpected[i]!));
  } finally {
    await session.release();
  }
});

test('abandon() ends a training in the middle of its CPU work with TrainingAbandonedError and refuses new ones', async (t) => {
  const threads = new TrainingThreads();
  let started!: () => void;
  const computing = new Promise<void>((r) => (started = r));
  const training = threads.train(request(120, 365), { onStarted: () => started() });
  t.is(threads.running, 1);
  await computing;
  await threads.abandon();
  t.is(threads.running, 0);
  await t.throwsAsync(training, { instanceOf: TrainingAbandonedError });
  await t.throwsAsync(threads.train(request(5, 120)), { instanceOf: TrainingAbandonedError });
  t.is(threads.running, 0, 'no thread was started after abandon()');
});

test('an error thrown inside the thread rejects the training with its name and message', async (t) => {
  const req = request(5, 120);
  const broken = { ...req, history: { ...req.history, quantity: undefined } } as unknown as TrainingRequest;
  const err = await t.throwsAsync(new TrainingThreads().train(broken));
  t.is(err?.name, 'TypeError');
  t.regex(err?.message ?? '', /subarray/);
});
