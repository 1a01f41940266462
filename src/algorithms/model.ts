/**
 * What every built-in algorithm produces: an ONNX model, the metadata that says how to feed it,
 * and the trainer's own predictor (used to check the ONNX export and to compute metrics).
 */
import type { Dataset } from './data/dataset.ts';
import type { ClassLabel } from './features/label-encoding.ts';
import type { InputDescription } from './features/onnx-preprocess.ts';

export type Task = 'binary_classifier' | 'multiclass_classifier' | 'regressor';

/** Output names of every exported model. */
export const LABEL_OUTPUT = 'label';
export const PROBABILITIES_OUTPUT = 'probabilities';
export const PREDICTION_OUTPUT = 'prediction';

export interface OutputDescription {
  name: string;
  type: 'int64' | 'string' | 'float32';
  shape: (number | null)[];
  description: string;
}

export interface FeatureDescription {
  name: string;
  type: 'numeric' | 'categorical';
  /** Categories one-hot encoded (others encode as all zeros). */
  categories?: string[];
  /** Training mean, used to impute missing values where the algorithm imputes. */
  mean?: number;
  std?: number;
}

export type MetricSet = Record<string, number>;

export interface ModelMetadata {
  format: 'slipway-model/1';
  algorithm: string;
  task: Task;
  label: { name: string; type: 'int64' | 'string' | 'float32' };
  classes?: ClassLabel[];
  /** Feature columns in the order of the training data (label excluded). */
  features: FeatureDescription[];
  inputs: InputDescription[];
  outputs: OutputDescription[];
  hyperparameters: Record<string, unknown>;
  metrics: { train: MetricSet; validation?: MetricSet; test?: MetricSet };
  training: {
    rows: number;
    validationRows?: number;
    iterations: number;
    /** Full passes over the training data (the linear learner's line search may add some). */
    passes?: number;
    /** The linear learner's optimiser: newton (sub-sampled Hessian) or lbfgs. */
    optimizer?: string;
    bestIteration: number;
    stoppedBy: string;
    seconds: number;
  };
  createdAt: string;
}

export interface Prediction {
  /** Class probabilities, rows × classes (classification). */
  probabilities?: Float64Array;
  /** Index into `classes` of the predicted class per row (classification). */
  classIndex?: Int32Array;
  /** Predicted value per row (regression). */
  values?: Float64Array;
}

export interface TrainedModel {
  metadata: ModelMetadata;
  onnx: Uint8Array;
  /** The trainer's prediction for rows with the training feature columns (a label column is ignored). */
  predict(dataset: Dataset): Prediction;
}

/** Receives metric values as training goes (the entry point prints them as `train:accuracy=0.93`). */
export type MetricSink = (
  channel: 'train' | 'validation',
  name: string,
  value: number,
  iteration: number,
) => void;

export function argmaxRows(probabilities: Float64Array, classes: number): Int32Array {
  const rows = probabilities.length / classes;
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++)
      if (probabilities[i * classes + k] > probabilities[i * classes + best]) best = k;
    out[i] = best;
  }
  return out;
}

export function classificationOutputs(classes: readonly ClassLabel[]): OutputDescription[] {
  const numeric = typeof classes[0] === 'number';
  return [
    {
      name: LABEL_OUTPUT,
      type: numeric ? 'int64' : 'string',
      shape: [null],
      description: 'predicted class',
    },
    {
      name: PROBABILITIES_OUTPUT,
      type: 'float32',
      shape: [null, classes.length],
      description: 'probability of each class, in the order of `classes`',
    },
  ];
}

export const regressionOutputs: OutputDescription[] = [
  { name: PREDICTION_OUTPUT, type: 'float32', shape: [null, 1], description: 'predicted value' },
];
