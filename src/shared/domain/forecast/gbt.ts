import { createRng } from './prng.js';

/**
 * Gradient-boosted regression trees with a Poisson loss and a log link, trained from scratch in
 * TypeScript (histogram splits, depth-wise growth, row and column subsampling).
 *
 *   mean = offset × exp(baseScore + Σ trees(x)),   offset = x[offsetFeature]
 *
 * Thresholds and leaf values are float32, and features are float32, so the exported ONNX
 * TreeEnsembleRegressor takes exactly the same branches as `predict` here.
 */
export interface GbtParams {
  rounds: number;
  learningRate: number;
  maxDepth: number;
  /** Minimum rows in a leaf. */
  minChildSamples: number;
  /** Minimum hessian sum in a leaf. */
  minChildWeight: number;
  /** L2 penalty on leaf values. */
  lambda: number;
  /** Share of rows drawn for each tree. */
  rowSample: number;
  /** Share of features considered by each tree. */
  colSample: number;
  /** At most this many thresholds per feature (≤ 255). */
  maxBins: number;
  /** Poisson hessian inflation (as in common GBT libraries) that keeps early steps safe. */
  maxDeltaStep: number;
  seed: number;
}

export const DEFAULT_GBT_PARAMS: GbtParams = {
  rounds: 100,
  learningRate: 0.12,
  maxDepth: 4,
  minChildSamples: 300,
  minChildWeight: 1,
  lambda: 2,
  rowSample: 0.7,
  colSample: 0.8,
  maxBins: 63,
  maxDeltaStep: 0.7,
  seed: 1,
};

/** One tree in flat arrays; node 0 is the root; `left[n] < 0` marks a leaf. */
export interface GbtTree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

export interface GbtModel {
  kind: 'gbt-poisson';
  featureCount: number;
  offsetFeature: number;
  baseScore: number;
  trees: GbtTree[];
}

export interface TrainingSet {
  /** Row-major features, `rows × featureCount`. */
  x: Float32Array;
  y: Float64Array;
  rows: number;
  featureCount: number;
}

interface Binned {
  /** Column-major bin codes: bins[f * n + i]. */
  bins: Uint8Array;
  /** thresholds[f][b]: rows with bin ≤ b satisfy x ≤ thresholds[f][b]. */
  thresholds: Float32Array[];
}

function binFeatures(set: TrainingSet, maxBins: number, seed: number): Binned {
  const { rows: n, featureCount: F, x } = set;
  const rng = createRng(seed ^ 0xb1);
  const sampleSize = Math.min(n, 50_000);
  const sample: number[] = [];
  for (let i = 0; i < sampleSize; i++) sample.push(n <= sampleSize ? i : rng.int(n));
  const bins = new Uint8Array(F * n);
  const thresholds: Float32Array[] = [];
  for (let f = 0; f < F; f++) {
    const values = Float32Array.from(sample, (i) => x[i * F + f]!).sort();
    const uniq: number[] = [];
    for (const v of values) if (uniq.length === 0 || uniq[uniq.length - 1] !== v) uniq.push(v);
    let thr: number[];
    if (uniq.length - 1 <= maxBins) {
      thr = uniq.slice(0, -1);
    } else {
      const set = new Set<number>();
      for (let b = 1; b <= maxBins; b++) set.add(values[Math.min(values.length - 1, Math.floor((b * values.length) / (maxBins + 1)))]!);
      thr = [...set].sort((a, b) => a - b).filter((v) => v < uniq[uniq.length - 1]!);
    }
    const t = Float32Array.from(thr);
    thresholds.push(t);
    for (let i = 0; i < n; i++) {
      const v = x[i * F + f]!;
      let lo = 0;
      let hi = t.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (v <= t[mid]!) hi = mid;
        else lo = mid + 1;
      }
      bins[f * n + i] = lo;
    }
  }
  return { bins, thresholds };
}

interface Split {
  feature: number;
  bin: number;
  gain: number;
}

/** Trains the model. Deterministic for the same set and params. */
export function trainGbt(set: TrainingSet, offsetFeature: number, params: Partial<GbtParams> = {}): GbtModel {
  const p = { ...DEFAULT_GBT_PARAMS, ...params };
  const { rows: n, featureCount: F, x, y } = set;
  const rng = createRng(p.seed);
  const { bins, thresholds } = binFeatures(set, Math.min(255, p.maxBins), p.seed);
  const B = Math.min(255, p.maxBins) + 1;

  const logOffset = new Float64Array(n);
  let sumY = 0;
  let sumOffset = 0;
  for (let i = 0; i < n; i++) {
    const o = x[i * F + offsetFeature]!;
    logOffset[i] = Math.log(o);
    sumY += y[i]!;
    sumOffset += o;
  }
  const baseScore = Math.fround(sumY > 0 ? Math.log(sumY / sumOffset) : -5);
  const raw = new Float64Array(n).fill(baseScore);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  const hessScale = Math.exp(p.maxDeltaStep);
  const trees: GbtTree[] = [];
  const all = new Uint32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;

  for (let round = 0; round < p.rounds; round++) {
    for (let i = 0; i < n; i++) {
      const mu = Math.exp(raw[i]! + logOffset[i]!);
      grad[i] = mu - y[i]!;
      hess[i] = mu * hessScale;
    }
    let rows: Uint32Array;
    if (p.rowSample < 1) {
      const picked: number[] = [];
      for (let i = 0; i < n; i++) if (rng.next() < p.rowSample) picked.push(i);
      rows = Uint32Array.from(picked);
    } else rows = all;
    const features: number[] = [];
    for (let f = 0; f < F; f++) if (f !== offsetFeature && rng.next() < p.colSample) features.push(f);
    if (features.length === 0) features.push(offsetFeature === 0 ? 1 : 0);

    const tree: GbtTree = { feature: [], threshold: [], left: [], right: [], value: [] };
    const splitBin: number[] = [];
    const newNode = (): number => {
      tree.feature.push(0);
      tree.threshold.push(0);
      tree.left.push(-1);
      tree.right.push(-1);
      tree.value.push(0);
      splitBin.push(0);
      return tree.feature.length - 1;
    };

    const histogram = (nodeRows: Uint32Array): Float64Array => {
      const h = new Float64Array(F * B * 3);
      for (const f of features) {
        const base = f * n;
        const hb = f * B * 3;
        for (let k = 0; k < nodeRows.length; k++) {
          const i = nodeRows[k]!;
          const o = hb + bins[base + i]! * 3;
          h[o] = h[o]! + grad[i]!;
          h[o + 1] = h[o + 1]! + hess[i]!;
          h[o + 2] = h[o + 2]! + 1;
        }
      }
      return h;
    };

    const bestSplit = (h: Float64Array, G: number, H: number, count: number): Split | undefined => {
      let best: Split | undefined;
      const parentScore = (G * G) / (H + p.lambda);
      for (const f of features) {
        const nb = thresholds[f]!.length;
        let gl = 0;
        let hl = 0;
        let cl = 0;
        const hb = f * B * 3;
        for (let b = 0; b < nb; b++) {
          gl += h[hb + b * 3]!;
          hl += h[hb + b * 3 + 1]!;
          cl += h[hb + b * 3 + 2]!;
          if (cl < p.minChildSamples || hl < p.minChildWeight) continue;
          const cr = count - cl;
          const hr = H - hl;
          if (cr < p.minChildSamples || hr < p.minChildWeight) break;
          const gr = G - gl;
          const gain = (gl * gl) / (hl + p.lambda) + (gr * gr) / (hr + p.lambda) - parentScore;
          if (gain > 1e-9 && (!best || gain > best.gain)) best = { feature: f, bin: b, gain };
        }
      }
      return best;
    };

    const grow = (node: number, nodeRows: Uint32Array, h: Float64Array, depth: number): void => {
      let G = 0;
      let H = 0;
      for (let k = 0; k < nodeRows.length; k++) {
        G += grad[nodeRows[k]!]!;
        H += hess[nodeRows[k]!]!;
      }
      const split = depth < p.maxDepth && nodeRows.length >= 2 * p.minChildSamples ? bestSplit(h, G, H, nodeRows.length) : undefined;
      if (!split) {
        tree.value[node] = Math.fround((-G / (H + p.lambda)) * p.learningRate);
        return;
      }
      const base = split.feature * n;
      let leftCount = 0;
      for (let k = 0; k < nodeRows.length; k++) if (bins[base + nodeRows[k]!]! <= split.bin) leftCount++;
      const leftRows = new Uint32Array(leftCount);
      const rightRows = new Uint32Array(nodeRows.length - leftCount);
      let li = 0;
      let ri = 0;
      for (let k = 0; k < nodeRows.length; k++) {
        const i = nodeRows[k]!;
        if (bins[base + i]! <= split.bin) leftRows[li++] = i;
        else rightRows[ri++] = i;
      }
      tree.feature[node] = split.feature;
      tree.threshold[node] = thresholds[split.feature]![split.bin]!;
      splitBin[node] = split.bin;
      const l = newNode();
      const r = newNode();
      tree.left[node] = l;
      tree.right[node] = r;
      if (depth + 1 >= p.maxDepth) {
        grow(l, leftRows, h, depth + 1);
        grow(r, rightRows, h, depth + 1);
        return;
      }
      // Histogram subtraction: scan the smaller child only.
      const smallIsLeft = leftRows.length <= rightRows.length;
      const small = histogram(smallIsLeft ? leftRows : rightRows);
      for (let k = 0; k < h.length; k++) h[k] = h[k]! - small[k]!;
      grow(l, leftRows, smallIsLeft ? small : h, depth + 1);
      grow(r, rightRows, smallIsLeft ? h : small, depth + 1);
    };

    const root = newNode();
    grow(root, rows, histogram(rows), 0);
    trees.push(tree);

    for (let i = 0; i < n; i++) {
      let node = 0;
      while (tree.left[node]! >= 0) node = bins[tree.feature[node]! * n + i]! <= splitBin[node]! ? tree.left[node]! : tree.right[node]!;
      raw[i] = raw[i]! + tree.value[node]!;
    }
  }
  return { kind: 'gbt-poisson', featureCount: F, offsetFeature, baseScore, trees };
}

/** Sum of leaf values plus the base score for one row (the log-ratio to the offset). */
export function rawScore(model: GbtModel, x: ArrayLike<number>, offset = 0): number {
  let s = model.baseScore;
  for (const t of model.trees) {
    let node = 0;
    while (t.left[node]! >= 0) node = x[offset + t.feature[node]!]! <= t.threshold[node]! ? t.left[node]! : t.right[node]!;
    s += t.value[node]!;
  }
  return s;
}

/** Mean predictions for row-major float32 features. */
export function predictGbt(model: GbtModel, x: Float32Array, rows = x.length / model.featureCount): Float64Array {
  const F = model.featureCount;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    out[r] = Math.exp(rawScore(model, x, r * F) + Math.log(x[r * F + model.offsetFeature]!));
  }
  return out;
}
