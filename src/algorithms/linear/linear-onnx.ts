/**
 * ONNX export of a linear model: preprocessing (mean imputation, standardisation, one-hot) in the
 * graph, then ai.onnx.ml LinearClassifier / LinearRegressor.
 */

import type { FeaturePlan } from '../features/feature-plan.ts';
import type { ClassLabel } from '../features/label-encoding.ts';
import { addPreprocessing } from '../features/onnx-preprocess.ts';
import { LABEL_OUTPUT, PREDICTION_OUTPUT, PROBABILITIES_OUTPUT, type Task } from '../model.ts';
import { GraphBuilder, ML_DOMAIN } from '../onnx/graph-builder.ts';
import { attr, type OnnxAttribute, OnnxDataType } from '../onnx/onnx-types.ts';

export interface LinearExport {
  plan: FeaturePlan;
  task: Task;
  classes?: ClassLabel[];
  /** Per output k: width weights then the bias, in original target units. */
  weights: Float64Array;
  width: number;
  normalize: boolean;
  metadata?: Record<string, string>;
}

export function classLabelAttribute(classes: readonly ClassLabel[]): OnnxAttribute {
  return typeof classes[0] === 'number'
    ? attr.ints('classlabels_ints', classes as number[])
    : attr.strings('classlabels_strings', classes as string[]);
}

export function exportLinearOnnx(model: LinearExport): Uint8Array {
  const g = new GraphBuilder('slipway_linear_learner');
  const { features } = addPreprocessing(g, model.plan, { standardize: model.normalize, impute: true });
  const { width, weights } = model;
  const stride = width + 1;
  if (model.task === 'regressor') {
    g.node(
      'LinearRegressor',
      [features],
      [{ exact: PREDICTION_OUTPUT }],
      [
        attr.floats('coefficients', weights.subarray(0, width)),
        attr.floats('intercepts', [weights[width]]),
        attr.int('targets', 1),
      ],
      ML_DOMAIN,
    );
    g.output(PREDICTION_OUTPUT, OnnxDataType.FLOAT, ['N', 1]);
    return g.toBytes({ metadata: model.metadata });
  }
  const classes = model.classes!;
  let coefficients: Float64Array;
  let intercepts: Float64Array;
  if (model.task === 'binary_classifier') {
    // Two rows (-w, w) with a logistic link give exactly [1 - p, p] and sidestep the runtime's
    // special cases for single-row binary classifiers.
    coefficients = new Float64Array(2 * width);
    for (let j = 0; j < width; j++) {
      coefficients[j] = -weights[j];
      coefficients[width + j] = weights[j];
    }
    intercepts = Float64Array.from([-weights[width], weights[width]]);
  } else {
    const k = classes.length;
    coefficients = new Float64Array(k * width);
    intercepts = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      coefficients.set(weights.subarray(c * stride, c * stride + width), c * width);
      intercepts[c] = weights[c * stride + width];
    }
  }
  g.node(
    'LinearClassifier',
    [features],
    [{ exact: LABEL_OUTPUT }, { exact: PROBABILITIES_OUTPUT }],
    [
      attr.floats('coefficients', coefficients),
      attr.floats('intercepts', intercepts),
      classLabelAttribute(classes),
      attr.string('post_transform', model.task === 'binary_classifier' ? 'LOGISTIC' : 'SOFTMAX'),
    ],
    ML_DOMAIN,
  );
  const labelType = typeof classes[0] === 'number' ? OnnxDataType.INT64 : OnnxDataType.STRING;
  g.output(LABEL_OUTPUT, labelType, ['N']);
  g.output(PROBABILITIES_OUTPUT, OnnxDataType.FLOAT, ['N', classes.length]);
  return g.toBytes({ metadata: model.metadata });
}
