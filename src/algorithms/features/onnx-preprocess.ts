/**
 * The ONNX half of a FeaturePlan: takes the raw feature columns and produces the same encoded
 * float matrix the trainer used.
 *
 * Input convention (recorded in metadata.json under `inputs`): at most two graph inputs,
 *   - `numeric`: float32 [N, k], the numeric columns in plan order; NaN marks a missing value;
 *   - `categorical`: string [N, m], the categorical columns in plan order; a value not seen in
 *     training (or "" for missing) encodes as all zeros.
 * Two tensors rather than one per column keep a request to one or two tensor allocations no matter
 * how many columns the model has.
 */
import { type GraphBuilder, ML_DOMAIN } from '../onnx/graph-builder.ts';
import { attr, OnnxDataType } from '../onnx/onnx-types.ts';
import { encodedWidth, type FeaturePlan } from './feature-plan.ts';

export const NUMERIC_INPUT = 'numeric';
export const CATEGORICAL_INPUT = 'categorical';

export interface InputDescription {
  name: string;
  type: 'float32' | 'string';
  shape: [null, number];
  columns: string[];
}

export function describeInputs(plan: FeaturePlan): InputDescription[] {
  const inputs: InputDescription[] = [];
  if (plan.numeric.length > 0) {
    inputs.push({
      name: NUMERIC_INPUT,
      type: 'float32',
      shape: [null, plan.numeric.length],
      columns: plan.numeric.map((f) => f.name),
    });
  }
  if (plan.categorical.length > 0) {
    inputs.push({
      name: CATEGORICAL_INPUT,
      type: 'string',
      shape: [null, plan.categorical.length],
      columns: plan.categorical.map((f) => f.name),
    });
  }
  return inputs;
}

/** Adds the inputs and encoding nodes; returns the name of the float [N, width] feature tensor. */
export function addPreprocessing(
  g: GraphBuilder,
  plan: FeaturePlan,
  options: { standardize: boolean; impute: boolean },
): { features: string; width: number } {
  const parts: string[] = [];
  if (plan.numeric.length > 0) {
    let x = g.input(NUMERIC_INPUT, OnnxDataType.FLOAT, ['N', plan.numeric.length], 'numeric feature columns');
    if (options.impute) {
      [x] = g.node(
        'Imputer',
        [x],
        ['imputed'],
        [
          attr.floats(
            'imputed_value_floats',
            plan.numeric.map((f) => f.mean),
          ),
          attr.float('replaced_value_float', Number.NaN),
        ],
        ML_DOMAIN,
      );
    }
    if (options.standardize) {
      [x] = g.node(
        'Scaler',
        [x],
        ['scaled'],
        [
          attr.floats(
            'offset',
            plan.numeric.map((f) => f.mean),
          ),
          attr.floats(
            'scale',
            plan.numeric.map((f) => 1 / f.std),
          ),
        ],
        ML_DOMAIN,
      );
    }
    parts.push(x);
  }
  if (plan.categorical.length > 0) {
    g.input(
      CATEGORICAL_INPUT,
      OnnxDataType.STRING,
      ['N', plan.categorical.length],
      'categorical feature columns',
    );
    plan.categorical.forEach((feature, j) => {
      if (feature.categories.length === 0) return;
      // A scalar index drops the column axis: [N, m] -> [N], so OneHotEncoder yields [N, C].
      const index = g.constant(`index_${j}`, { dataType: OnnxDataType.INT64, dims: [], values: [j] });
      const [column] = g.node('Gather', [CATEGORICAL_INPUT, index], [`column_${j}`], [attr.int('axis', 1)]);
      const [onehot] = g.node(
        'OneHotEncoder',
        [column],
        [`onehot_${j}`],
        [attr.strings('cats_strings', feature.categories), attr.int('zeros', 1)],
        ML_DOMAIN,
      );
      parts.push(onehot);
    });
  }
  const width = encodedWidth(plan);
  const [features] = g.node('Concat', parts, ['features'], [attr.int('axis', 1)]);
  return { features, width };
}
