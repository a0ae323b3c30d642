import test from 'ava';
import { predictGbt, trainGbt } from '../../../src/shared/domain/forecast/gbt.js';
import { createRng } from '../../../src/shared/domain/forecast/prng.js';

/** y ~ Poisson(offset × (1.8 if weekend) × (0.5 if x2 > 0.7)), with a useless noise column. */
function synthetic(rows: number, seed: number) {
  const rng = createRng(seed);
  const F = 4;
  const x = new Float32Array(rows * F);
  const y = new Float64Array(rows);
  const truth = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const wd = rng.int(7);
    const x2 = rng.next();
    const offset = 0.5 + 4 * rng.next();
    x.set([wd, x2, rng.next(), offset], i * F);
    const mu = Math.fround(offset) * (wd >= 5 ? 1.8 : 1) * (Math.fround(x2) > 0.7 ? 0.5 : 1);
    truth[i] = mu;
    y[i] = rng.poisson(mu);
  }
  return { set: { x, y, rows, featureCount: F }, truth };
}

test('Poisson boosting recovers multiplicative effects better than the offset alone', (t) => {
  const train = synthetic(20_000, 1);
  const model = trainGbt(train.set, 3, { rounds: 60, learningRate: 0.2, maxDepth: 3, seed: 3 });
  const check = synthetic(5_000, 2);
  const pred = predictGbt(model, check.set.x);
  let errModel = 0;
  let errOffset = 0;
  for (let i = 0; i < check.set.rows; i++) {
    errModel += Math.abs(pred[i]! - check.truth[i]!);
    errOffset += Math.abs(check.set.x[i * 4 + 3]! - check.truth[i]!);
  }
  t.true(errModel < errOffset * 0.35, `model ${errModel} offset-only ${errOffset}`);
});

test('training is deterministic and stores float32 thresholds and leaves', (t) => {
  const { set } = synthetic(3_000, 4);
  const a = trainGbt(set, 3, { rounds: 10, seed: 9 });
  const b = trainGbt(set, 3, { rounds: 10, seed: 9 });
  t.deepEqual(a, b);
  for (const tree of a.trees) {
    for (const v of tree.threshold) t.is(v, Math.fround(v));
    for (const v of tree.value) t.is(v, Math.fround(v));
  }
});
