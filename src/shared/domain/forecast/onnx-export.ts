import protobuf from 'protobufjs';
import { ONNX_PROTO_SUBSET } from './onnx-schema.js';
import type { GbtModel } from './gbt.js';

const root = protobuf.parse(ONNX_PROTO_SUBSET, { keepCase: true }).root;
const ModelProto = root.lookupType('onnx.ModelProto');
const AttrType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;
const ELEM_FLOAT = 1;
const ELEM_INT64 = 7;

/** Input and output names of the exported forecast graph. */
export const ONNX_INPUT = 'features';
export const ONNX_OUTPUT = 'mean';
/** Default-domain opset and ai.onnx.ml opset the graph is written for. */
export const ONNX_OPSET = 17;
export const ONNX_ML_OPSET = 3;

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function attr(name: string, type: number, value: Record<string, unknown>): Record<string, unknown> {
  return { name, type, ...value };
}

function tensorValueInfo(name: string, dims: (number | string)[]): Record<string, unknown> {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: ELEM_FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}

/** Metadata stored in the model file so a runtime can check it reads the columns it was trained on. */
export interface OnnxExportMeta {
  version: string;
  featureNames: readonly string[];
  producerVersion?: string;
}

/**
 * Encodes the boosted trees as an ONNX model:
 *
 *   raw  = TreeEnsembleRegressor(features)             (ai.onnx.ml, BRANCH_LEQ, SUM)
 *   mean = Exp(raw + Log(Gather(features, offset col)))
 *
 * Thresholds and leaf values are already float32 in the model, so the graph and
 * `predictGbt` take the same branches.
 */
export function exportGbtToOnnx(model: GbtModel, meta: OnnxExportMeta): Uint8Array {
  const nodesTreeIds: number[] = [];
  const nodesNodeIds: number[] = [];
  const nodesFeatureIds: number[] = [];
  const nodesValues: number[] = [];
  const nodesModes: Uint8Array[] = [];
  const nodesTrue: number[] = [];
  const nodesFalse: number[] = [];
  const nodesMissing: number[] = [];
  const targetTreeIds: number[] = [];
  const targetNodeIds: number[] = [];
  const targetIds: number[] = [];
  const targetWeights: number[] = [];
  const LEQ = utf8('BRANCH_LEQ');
  const LEAF = utf8('LEAF');

  model.trees.forEach((tree, t) => {
    for (let n = 0; n < tree.feature.length; n++) {
      const isLeaf = tree.left[n]! < 0;
      nodesTreeIds.push(t);
      nodesNodeIds.push(n);
      nodesFeatureIds.push(isLeaf ? 0 : tree.feature[n]!);
      nodesValues.push(isLeaf ? 0 : tree.threshold[n]!);
      nodesModes.push(isLeaf ? LEAF : LEQ);
      nodesTrue.push(isLeaf ? 0 : tree.left[n]!);
      nodesFalse.push(isLeaf ? 0 : tree.right[n]!);
      nodesMissing.push(0);
      if (isLeaf) {
        targetTreeIds.push(t);
        targetNodeIds.push(n);
        targetIds.push(0);
        targetWeights.push(tree.value[n]!);
      }
    }
  });

  const ensemble = {
    input: [ONNX_INPUT],
    output: ['raw'],
    name: 'trees',
    op_type: 'TreeEnsembleRegressor',
    domain: 'ai.onnx.ml',
    attribute: [
      attr('n_targets', AttrType.INT, { i: 1 }),
      attr('aggregate_function', AttrType.STRING, { s: utf8('SUM') }),
      attr('post_transform', AttrType.STRING, { s: utf8('NONE') }),
      attr('base_values', AttrType.FLOATS, { floats: [model.baseScore] }),
      attr('nodes_treeids', AttrType.INTS, { ints: nodesTreeIds }),
      attr('nodes_nodeids', AttrType.INTS, { ints: nodesNodeIds }),
      attr('nodes_featureids', AttrType.INTS, { ints: nodesFeatureIds }),
      attr('nodes_values', AttrType.FLOATS, { floats: nodesValues }),
      attr('nodes_modes', AttrType.STRINGS, { strings: nodesModes }),
      attr('nodes_truenodeids', AttrType.INTS, { ints: nodesTrue }),
      attr('nodes_falsenodeids', AttrType.INTS, { ints: nodesFalse }),
      attr('nodes_missing_value_tracks_true', AttrType.INTS, { ints: nodesMissing }),
      attr('target_treeids', AttrType.INTS, { ints: targetTreeIds }),
      attr('target_nodeids', AttrType.INTS, { ints: targetNodeIds }),
      attr('target_ids', AttrType.INTS, { ints: targetIds }),
      attr('target_weights', AttrType.FLOATS, { floats: targetWeights }),
    ],
  };

  const message = ModelProto.fromObject({
    ir_version: 8,
    producer_name: 'gondola',
    producer_version: meta.producerVersion ?? '1',
    domain: 'ar.gondola.forecast',
    doc_string: 'Daily demand mean = offset × exp(trees); offset is the feature column "level".',
    opset_import: [
      { domain: '', version: ONNX_OPSET },
      { domain: 'ai.onnx.ml', version: ONNX_ML_OPSET },
    ],
    metadata_props: [
      { key: 'model_version', value: meta.version },
      { key: 'feature_names', value: meta.featureNames.join(',') },
    ],
    graph: {
      name: 'demand_forecast',
      node: [
        ensemble,
        { input: [ONNX_INPUT, 'offset_column'], output: ['offset'], name: 'offset', op_type: 'Gather', attribute: [attr('axis', AttrType.INT, { i: 1 })] },
        { input: ['offset'], output: ['log_offset'], name: 'log_offset', op_type: 'Log' },
        { input: ['raw', 'log_offset'], output: ['eta'], name: 'eta', op_type: 'Add' },
        { input: ['eta'], output: [ONNX_OUTPUT], name: 'mean', op_type: 'Exp' },
      ],
      initializer: [{ name: 'offset_column', data_type: ELEM_INT64, dims: [1], int64_data: [model.offsetFeature] }],
      input: [tensorValueInfo(ONNX_INPUT, ['N', model.featureCount])],
      output: [tensorValueInfo(ONNX_OUTPUT, ['N', 1])],
    },
  });
  return ModelProto.encode(message).finish();
}

/** Decodes an exported model (for inspection and tests). */
export function decodeOnnxModel(bytes: Uint8Array): Record<string, unknown> {
  return ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, bytes: String, defaults: false }) as Record<string, unknown>;
}
