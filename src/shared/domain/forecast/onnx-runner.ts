import ort from 'onnxruntime-node';
import { ONNX_INPUT, ONNX_OUTPUT } from './onnx-export.js';

/**
 * An onnxruntime-node session over an exported forecast model, loaded from bytes in memory.
 * One `run` evaluates a whole batch of feature rows.
 */
export interface OnnxForecaster {
  run(x: Float32Array, featureCount: number): Promise<Float32Array>;
  release(): Promise<void>;
}

export async function loadOnnxForecaster(bytes: Uint8Array, options: { threads?: number } = {}): Promise<OnnxForecaster> {
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: options.threads ?? 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  return {
    async run(x, featureCount) {
      const rows = x.length / featureCount;
      const out = await session.run({ [ONNX_INPUT]: new ort.Tensor('float32', x, [rows, featureCount]) });
      return out[ONNX_OUTPUT]!.data as Float32Array;
    },
    release: () => session.release(),
  };
}

/**
 * Largest relative difference between an ONNX session's means and the TypeScript trees' means
 * on the reference batch a training produced (the parity a version must pass to serve).
 */
export async function measureOnnxParity(
  forecaster: OnnxForecaster,
  reference: { parityInput: Float32Array; parityExpected: Float64Array },
  featureCount: number = reference.parityInput.length / Math.max(1, reference.parityExpected.length),
): Promise<number> {
  const viaOnnx = await forecaster.run(reference.parityInput, featureCount);
  const viaTs = reference.parityExpected;
  let worst = 0;
  for (let i = 0; i < viaTs.length; i++) worst = Math.max(worst, Math.abs(viaOnnx[i]! - viaTs[i]!) / Math.max(viaTs[i]!, 1e-3));
  return worst;
}
