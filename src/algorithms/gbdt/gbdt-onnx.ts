/**
 * ONNX export of a boosted ensemble: one-hot encoding in the graph (numeric inputs pass through,
 * NaN included, since the trees route missing values themselves), then ai.onnx.ml
 * TreeEnsembleClassifier or TreeEnsembleRegressor with BRANCH_LEQ nodes.
 */
import type { FeaturePlan } from '../features/feature-plan.ts';
import type { ClassLabel } from '../features/label-encoding.ts';
import { addPreprocessing } from '../features/onnx-preprocess.ts';
import { LABEL_OUTPUT, PREDICTION_OUTPUT, PROBABILITIES_OUTPUT, type Task } from '../model.ts';
import { GraphBuilder, ML_DOMAIN } from '../onnx/graph-builder.ts';
import { attr, OnnxDataType } from '../onnx/onnx-types.ts';
import type { Tree } from './tree.ts';

export interface EnsembleExport {
  plan: FeaturePlan;
  task: Task;
  classes?: ClassLabel[];
  trees: Tree[];
  /** Output (class) each tree adds to. */
  treeOutput: number[];
  /** Starting raw score per output. */
  baseScores: number[];
  metadata?: Record<string, string>;
}

export function exportEnsembleOnnx(model: EnsembleExport): Uint8Array {
  const g = new GraphBuilder('slipway_gbdt');
  const { features } = addPreprocessing(g, model.plan, { standardize: false, impute: false });
  const nodes = {
    treeIds: [] as number[],
    nodeIds: [] as number[],
    featureIds: [] as number[],
    modes: [] as string[],
    values: [] as number[],
    trueIds: [] as number[],
    falseIds: [] as number[],
    missingTracksTrue: [] as number[],
  };
  const leaves = {
    treeIds: [] as number[],
    nodeIds: [] as number[],
    ids: [] as number[],
    weights: [] as number[],
  };
  const binary = model.task === 'binary_classifier';
  model.trees.forEach((tree, t) => {
    for (let n = 0; n < tree.feature.length; n++) {
      const leaf = tree.feature[n] < 0;
      nodes.treeIds.push(t);
      nodes.nodeIds.push(n);
      nodes.featureIds.push(leaf ? 0 : tree.feature[n]);
      nodes.modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
      nodes.values.push(leaf ? 0 : tree.threshold[n]);
      nodes.trueIds.push(leaf ? 0 : tree.left[n]);
      nodes.falseIds.push(leaf ? 0 : tree.right[n]);
      nodes.missingTracksTrue.push(!leaf && tree.defaultLeft[n] ? 1 : 0);
      if (!leaf) continue;
      leaves.treeIds.push(t);
      leaves.nodeIds.push(n);
      // Binary: every weight on class id 0 with one base value, the form ONNX runtimes read as
      // "one log-odds score" and turn into [1 - p, p] under LOGISTIC (as XGBoost converters emit).
      leaves.ids.push(binary ? 0 : model.treeOutput[t]);
      leaves.weights.push(tree.value[n]);
    }
  });
  if (binary && !leaves.weights.some((w) => w < 0)) {
    // onnxruntime reads all-positive binary weights as probabilities rather than log-odds; one
    // single-leaf tree with a negligible negative weight keeps it on the log-odds path.
    const t = model.trees.length;
    nodes.treeIds.push(t);
    nodes.nodeIds.push(0);
    nodes.featureIds.push(0);
    nodes.modes.push('LEAF');
    nodes.values.push(0);
    nodes.trueIds.push(0);
    nodes.falseIds.push(0);
    nodes.missingTracksTrue.push(0);
    leaves.treeIds.push(t);
    leaves.nodeIds.push(0);
    leaves.ids.push(0);
    leaves.weights.push(-1e-30);
  }
  const nodeAttributes = [
    attr.ints('nodes_treeids', nodes.treeIds),
    attr.ints('nodes_nodeids', nodes.nodeIds),
    attr.ints('nodes_featureids', nodes.featureIds),
    attr.strings('nodes_modes', nodes.modes),
    attr.floats('nodes_values', nodes.values),
    attr.ints('nodes_truenodeids', nodes.trueIds),
    attr.ints('nodes_falsenodeids', nodes.falseIds),
    attr.ints('nodes_missing_value_tracks_true', nodes.missingTracksTrue),
  ];
  if (model.task === 'regressor') {
    g.node(
      'TreeEnsembleRegressor',
      [features],
      [{ exact: PREDICTION_OUTPUT }],
      [
        ...nodeAttributes,
        attr.ints('target_treeids', leaves.treeIds),
        attr.ints('target_nodeids', leaves.nodeIds),
        attr.ints('target_ids', leaves.ids),
        attr.floats('target_weights', leaves.weights),
        attr.int('n_targets', 1),
        attr.floats('base_values', model.baseScores),
        attr.string('aggregate_function', 'SUM'),
        attr.string('post_transform', 'NONE'),
      ],
      ML_DOMAIN,
    );
    g.output(PREDICTION_OUTPUT, OnnxDataType.FLOAT, ['N', 1]);
    return g.toBytes({ metadata: model.metadata });
  }
  const classes = model.classes!;
  const numericLabels = typeof classes[0] === 'number';
  g.node(
    'TreeEnsembleClassifier',
    [features],
    [{ exact: LABEL_OUTPUT }, { exact: PROBABILITIES_OUTPUT }],
    [
      ...nodeAttributes,
      attr.ints('class_treeids', leaves.treeIds),
      attr.ints('class_nodeids', leaves.nodeIds),
      attr.ints('class_ids', leaves.ids),
      attr.floats('class_weights', leaves.weights),
      numericLabels
        ? attr.ints('classlabels_int64s', classes as number[])
        : attr.strings('classlabels_strings', classes as string[]),
      attr.floats('base_values', model.baseScores),
      attr.string('post_transform', binary ? 'LOGISTIC' : 'SOFTMAX'),
    ],
    ML_DOMAIN,
  );
  g.output(LABEL_OUTPUT, numericLabels ? OnnxDataType.INT64 : OnnxDataType.STRING, ['N']);
  g.output(PROBABILITIES_OUTPUT, OnnxDataType.FLOAT, ['N', classes.length]);
  return g.toBytes({ metadata: model.metadata });
}
