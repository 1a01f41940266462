/**
 * The linear learner: logistic (binary), multinomial (softmax) and linear regression on
 * standardised numeric features and one-hot categoricals, L2-regularised, fitted by full-batch
 * L-BFGS, with patience-based early stopping on the validation channel when one is given.
 */

import { availableParallelism } from 'node:os';
import type { Dataset } from '../data/dataset.ts';
import { EarlyStopping } from '../early-stopping.ts';
import { buildDesignMatrix, type DesignMatrix } from '../features/design-matrix.ts';
import { encodedWidth } from '../features/feature-plan.ts';
import { describeInputs } from '../features/onnx-preprocess.ts';
import { binaryMetricsFromScores, classificationMetrics, regressionMetrics } from '../metrics.ts';
import {
  argmaxRows,
  classificationOutputs,
  type MetricSink,
  type ModelMetadata,
  type Prediction,
  regressionOutputs,
  type TrainedModel,
} from '../model.ts';
import { minimizeLbfgs } from '../optim/lbfgs.ts';
import { minimizeNewton } from '../optim/newton.ts';
import { describeFeatures, prepareSupervised } from '../supervised-data.ts';
import { parseLinearHyperparameters } from './linear-hyperparameters.ts';
import { type LossStats, linearScores, makeHessian, makeObjective, outputsOf } from './linear-losses.ts';
import { exportLinearOnnx } from './linear-onnx.ts';

export const LINEAR_LEARNER = 'linear-learner';

/** Above this many parameters the Hessian costs more than the passes Newton saves. */
const NEWTON_MAX_PARAMETERS = 65;

export interface TrainLinearOptions {
  train: Dataset;
  validation?: Dataset;
  /** As SageMaker passes them: a string map (JSON numbers and booleans are accepted too). */
  hyperparameters: Record<string, unknown>;
  onMetric?: MetricSink;
}

function designOptions(normalize: boolean) {
  return { standardize: normalize, impute: true, float32: false };
}

/** Turns the scores of one output per row into probabilities (rows × classes). */
function probabilitiesFromScores(scores: Float64Array, binary: boolean, classes: number): Float64Array {
  if (binary) {
    const rows = scores.length;
    const out = new Float64Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      const p = 1 / (1 + Math.exp(-scores[i]));
      out[2 * i] = 1 - p;
      out[2 * i + 1] = p;
    }
    return out;
  }
  const rows = scores.length / classes;
  const out = new Float64Array(scores.length);
  for (let i = 0; i < rows; i++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < classes; k++) max = Math.max(max, scores[i * classes + k]);
    let sum = 0;
    for (let k = 0; k < classes; k++) {
      const e = Math.exp(scores[i * classes + k] - max);
      out[i * classes + k] = e;
      sum += e;
    }
    for (let k = 0; k < classes; k++) out[i * classes + k] /= sum;
  }
  return out;
}

export function trainLinearLearner(options: TrainLinearOptions): TrainedModel {
  const started = performance.now();
  const hp = parseLinearHyperparameters(options.hyperparameters);
  const task = hp.predictor_type;
  const data = prepareSupervised({
    train: options.train,
    validation: options.validation,
    label: hp.label,
    task,
    maxCategories: hp.max_categories,
    numClasses: hp.num_classes,
  });
  const { plan } = data;
  const classCount = data.classes?.length ?? 1;
  const outputs = outputsOf(task, classCount);
  const width = encodedWidth(plan);
  const stride = width + 1;
  const X = buildDesignMatrix(data.train.dataset, plan, designOptions(hp.normalize_data));
  const Xv = data.validation
    ? buildDesignMatrix(data.validation.dataset, plan, designOptions(hp.normalize_data))
    : undefined;

  // Regression fits a standardised target so tolerances mean the same whatever the label's units.
  let yShift = 0;
  let yScale = 1;
  let yTrain = data.train.y;
  if (task === 'regressor') {
    const stats = meanStd(yTrain);
    yShift = stats.mean;
    yScale = stats.std;
    yTrain = yTrain.map((v) => (v - yShift) / yScale);
  }
  const yValidation = data.validation?.y;
  const yValidationScaled =
    yValidation && task === 'regressor' ? yValidation.map((v) => (v - yShift) / yScale) : yValidation;

  const stats: LossStats = { correct: 0 };
  const threads = hp.nthread === 0 ? availableParallelism() : hp.nthread;
  const sharedY = new Float64Array(new SharedArrayBuffer(yTrain.length * 8));
  sharedY.set(yTrain);
  const objective = makeObjective(task, X, sharedY, classCount, hp.l2, stats, threads);
  const validationStats: LossStats = { correct: 0 };
  const validationLoss =
    Xv && yValidationScaled
      ? makeObjective(task, Xv, yValidationScaled, classCount, 0, validationStats)
      : undefined;

  const w0 = new Float64Array(outputs * stride);
  initialiseBiases(w0, task, yTrain, classCount, width);
  const stopping = new EarlyStopping(hp.early_stopping_patience, hp.early_stopping_tolerance);
  let best = Float64Array.from(w0);
  const scratch = new Float64Array(w0.length);
  const emit = options.onMetric ?? (() => {});
  const classification = task !== 'regressor';
  const useNewton =
    task !== 'multiclass_classifier' &&
    (hp.optimizer === 'newton' || (hp.optimizer === 'auto' && width + 1 <= NEWTON_MAX_PARAMETERS));
  const minimize: typeof minimizeLbfgs = useNewton
    ? (f, x0, opts) => minimizeNewton(f, makeHessian(task, X, hp.l2), x0, opts)
    : minimizeLbfgs;
  let result: ReturnType<typeof minimizeLbfgs>;
  try {
    result = minimize(objective, w0, {
      maxIterations: hp.epochs,
      gradientTolerance: hp.tolerance,
      functionTolerance: 1e-10,
      onIteration: (iteration, w, loss) => {
        emit('train', 'objective_loss', loss, iteration);
        if (classification) emit('train', 'accuracy', stats.correct / X.rows, iteration);
        if (!validationLoss || !Xv) {
          best = Float64Array.from(w);
          return false;
        }
        const vLoss = validationLoss(w, scratch);
        emit('validation', 'objective_loss', vLoss, iteration);
        if (classification) emit('validation', 'accuracy', validationStats.correct / Xv.rows, iteration);
        const { improved, stop } = stopping.update(iteration, vLoss);
        if (improved) best = Float64Array.from(w);
        return stop;
      },
    });
  } finally {
    objective.close();
  }
  // Without a validation channel the optimum itself is the model; with one, the best iterate.
  if (!validationLoss || result.iterations === 0) best = Float64Array.from(result.x);

  // Back to original target units: y = yScale·(x·w' + b') + yShift.
  const weights = Float64Array.from(best);
  if (task === 'regressor') {
    for (let j = 0; j < width; j++) weights[j] *= yScale;
    weights[width] = weights[width] * yScale + yShift;
  }

  const predictMatrix = (M: DesignMatrix): Prediction => {
    const scores = linearScores(M, weights, outputs);
    if (!classification) return { values: scores };
    const probabilities = probabilitiesFromScores(scores, task === 'binary_classifier', classCount);
    return { probabilities, classIndex: argmaxRows(probabilities, classCount) };
  };
  const evaluate = (M: DesignMatrix, y: Float64Array) => {
    if (task === 'binary_classifier') return binaryMetricsFromScores(linearScores(M, weights, 1), y);
    const prediction = predictMatrix(M);
    return classification
      ? classificationMetrics(prediction.probabilities!, classCount, y)
      : regressionMetrics(prediction.values!, y);
  };
  // Training metrics: accuracy and log loss (regression: mse, rmse, mae, r2). When the model is
  // the optimiser's last point, its last pass already measured them, which saves a pass and a
  // million-row sort at scale; AUC is reported for the validation channel.
  const lastPassIsModel =
    classification &&
    result.reason !== 'line_search' &&
    (!validationLoss || stopping.bestIteration === result.iterations);
  let trainMetrics: Record<string, number>;
  if (lastPassIsModel) {
    let squares = 0;
    for (let k = 0; k < outputs; k++) for (let j = 0; j < width; j++) squares += best[k * stride + j] ** 2;
    trainMetrics = { accuracy: stats.correct / X.rows, log_loss: result.loss - 0.5 * hp.l2 * squares };
  } else {
    const { auc: _auc, ...rest } = evaluate(X, data.train.y);
    trainMetrics = rest;
  }
  const validationMetrics = Xv && yValidation ? evaluate(Xv, yValidation) : undefined;
  for (const [name, value] of Object.entries(trainMetrics)) emit('train', name, value, result.iterations);
  for (const [name, value] of Object.entries(validationMetrics ?? {}))
    emit('validation', name, value, result.iterations);

  const bestIteration = validationLoss ? stopping.bestIteration : result.iterations;
  const metadata: ModelMetadata = {
    format: 'slipway-model/1',
    algorithm: LINEAR_LEARNER,
    task,
    label: { name: data.labelName, type: data.labelType },
    classes: data.classes,
    features: describeFeatures(plan, true),
    inputs: describeInputs(plan),
    outputs: classification ? classificationOutputs(data.classes!) : regressionOutputs,
    hyperparameters: { ...hp },
    metrics: { train: trainMetrics, validation: validationMetrics },
    training: {
      rows: X.rows,
      validationRows: Xv?.rows,
      iterations: result.iterations,
      passes: result.evaluations,
      optimizer: useNewton ? 'newton' : 'lbfgs',
      bestIteration,
      stoppedBy: result.reason === 'callback' ? 'early_stopping' : result.reason,
      seconds: (performance.now() - started) / 1000,
    },
    createdAt: new Date().toISOString(),
  };
  const onnx = exportLinearOnnx({
    plan,
    task,
    classes: data.classes,
    weights,
    width,
    normalize: hp.normalize_data,
    metadata: { algorithm: LINEAR_LEARNER, task },
  });
  return {
    metadata,
    onnx,
    predict: (dataset) => predictMatrix(buildDesignMatrix(dataset, plan, designOptions(hp.normalize_data))),
  };
}

function meanStd(values: Float64Array): { mean: number; std: number } {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i];
  mean /= Math.max(values.length, 1);
  let variance = 0;
  for (let i = 0; i < values.length; i++) variance += (values[i] - mean) * (values[i] - mean);
  const std = Math.sqrt(variance / Math.max(values.length, 1));
  return { mean, std: std > 1e-12 ? std : 1 };
}

/** Biases start at the log-odds of the class frequencies: the best model with no features. */
function initialiseBiases(
  w: Float64Array,
  task: string,
  y: Float64Array,
  classes: number,
  width: number,
): void {
  if (task === 'regressor') return;
  const counts = new Float64Array(classes);
  for (let i = 0; i < y.length; i++) counts[y[i]]++;
  const n = y.length;
  if (task === 'binary_classifier') {
    const p = Math.min(Math.max(counts[1] / n, 1e-6), 1 - 1e-6);
    w[width] = Math.log(p / (1 - p));
    return;
  }
  for (let k = 0; k < classes; k++) w[k * (width + 1) + width] = Math.log(Math.max(counts[k] / n, 1e-6));
}
