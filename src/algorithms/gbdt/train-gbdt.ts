/**
 * Gradient-boosted trees: histogram-based (quantile bins), depth-wise trees, second-order
 * (XGBoost-style) gains with L2 on leaf weights, row subsampling, and early stopping on the
 * validation channel. Binary and multiclass log loss, and squared error for regression.
 */

import { availableParallelism } from 'node:os';
import { invalid } from '../../core/errors.ts';
import type { Dataset } from '../data/dataset.ts';
import { EarlyStopping } from '../early-stopping.ts';
import { buildDesignMatrix } from '../features/design-matrix.ts';
import { describeInputs } from '../features/onnx-preprocess.ts';
import { auc, classificationMetrics, regressionMetrics } from '../metrics.ts';
import {
  argmaxRows,
  classificationOutputs,
  type MetricSink,
  type ModelMetadata,
  type Prediction,
  regressionOutputs,
  type Task,
  type TrainedModel,
} from '../model.ts';
import { sharedFloat64 } from '../parallel/kernel-pool.ts';
import { seededRandom } from '../random.ts';
import { describeFeatures, prepareSupervised } from '../supervised-data.ts';
import { type BinnedMatrix, binDataset, learnCuts } from './binning.ts';
import { parseGbdtHyperparameters } from './gbdt-hyperparameters.ts';
import { exportEnsembleOnnx } from './gbdt-onnx.ts';
import { LevelPool } from './level-pool.ts';
import { logisticGradients, probabilities, softmaxGradients, squaredGradients } from './objectives.ts';
import { predictBinned, predictRaw, type Tree } from './tree.ts';
import { growTree } from './tree-builder.ts';

export const GBDT = 'gbdt';

export interface TrainGbdtOptions {
  train: Dataset;
  validation?: Dataset;
  /** As SageMaker passes them: a string map (JSON numbers and booleans are accepted too). */
  hyperparameters: Record<string, unknown>;
  onMetric?: MetricSink;
}

function taskOf(objective: string): Task {
  if (objective === 'binary:logistic') return 'binary_classifier';
  if (objective.startsWith('multi:')) return 'multiclass_classifier';
  return 'regressor';
}

export function trainGbdt(options: TrainGbdtOptions): TrainedModel {
  const started = performance.now();
  const hp = parseGbdtHyperparameters(options.hyperparameters);
  const task = taskOf(hp.objective);
  if (hp.early_stopping_rounds !== undefined && !options.validation) {
    throw invalid('hyperparameters.early_stopping_rounds', 'needs a validation channel');
  }
  const data = prepareSupervised({
    train: options.train,
    validation: options.validation,
    label: hp.label,
    task,
    maxCategories: hp.max_categories,
    numClasses: hp.num_class,
  });
  const { plan } = data;
  const classCount = data.classes?.length ?? 0;
  const outputs = task === 'multiclass_classifier' ? classCount : 1;
  const lossName = task === 'regressor' ? 'rmse' : task === 'binary_classifier' ? 'logloss' : 'mlogloss';
  const reportLoss = (mean: number) => (task === 'regressor' ? Math.sqrt(mean) : mean);

  const cuts = learnCuts(data.train.dataset, plan, hp.max_bin, hp.seed);
  const matrix = binDataset(data.train.dataset, plan, cuts);
  const validation = data.validation
    ? { matrix: binDataset(data.validation.dataset, plan, cuts), y: data.validation.y }
    : undefined;
  const n = matrix.rows;
  const y = data.train.y;

  const baseScores = initialScores(task, y, outputs);
  // Shared memory: worker threads add leaf values to the scores as rows reach their leaves.
  const raw = sharedFloat64(n * outputs);
  for (let i = 0; i < n; i++) for (let k = 0; k < outputs; k++) raw[i * outputs + k] = baseScores[k];
  const rawValidation = validation ? new Float64Array(validation.matrix.rows * outputs) : undefined;
  if (rawValidation)
    for (let i = 0; i < rawValidation.length; i++) rawValidation[i] = baseScores[i % outputs];

  const ghs = Array.from({ length: outputs }, () => sharedFloat64(2 * n));
  const inSample = new Uint8Array(new SharedArrayBuffer(n)).fill(1);
  const threads = hp.nthread === 0 ? availableParallelism() : hp.nthread;
  const labels = sharedFloat64(n);
  labels.set(y);
  const pool = new LevelPool({
    threads,
    matrix,
    ghs,
    raw,
    labels,
    objective:
      task === 'binary_classifier'
        ? logisticGradients
        : task === 'regressor'
          ? squaredGradients
          : softmaxGradients,
    outputs,
    inSample,
    histLength: cuts.slots * 2,
    maxDepth: hp.max_depth,
  });
  const random = seededRandom(hp.seed);
  const trees: Tree[] = [];
  const treeOutput: number[] = [];
  const stopping = new EarlyStopping(hp.early_stopping_rounds ?? Number.POSITIVE_INFINITY, 0);
  const emit = options.onMetric ?? (() => {});
  const params = {
    maxDepth: hp.max_depth,
    minChildWeight: hp.min_child_weight,
    lambda: hp.lambda,
    gamma: hp.gamma,
    learningRate: hp.eta,
  };

  let rounds = 0;
  let stoppedBy = 'num_round';
  try {
    for (let round = 1; round <= hp.num_round; round++) {
      const trainLoss = pool.gradients(options.onMetric !== undefined);
      if (round > 1) emit('train', lossName, reportLoss(trainLoss), round - 1);
      // Row subsampling: one Bernoulli draw per row and round, shared by the round's trees.
      if (hp.subsample < 1) for (let i = 0; i < n; i++) inSample[i] = random() < hp.subsample ? 1 : 0;
      for (let k = 0; k < outputs; k++) {
        const tree = growTree(pool, cuts, params, k);
        trees.push(tree);
        treeOutput.push(k);
        if (validation && rawValidation) addTree(rawValidation, tree, validation.matrix, outputs, k);
      }
      rounds = round;
      if (validation && rawValidation) {
        const vLoss = meanLoss(task, rawValidation, validation.y, outputs);
        emit('validation', lossName, reportLoss(vLoss), round);
        if (task === 'binary_classifier') emit('validation', 'auc', auc(rawValidation, validation.y), round);
        if (stopping.update(round, vLoss).stop) {
          stoppedBy = 'early_stopping';
          break;
        }
      }
    }
    emit('train', lossName, reportLoss(pool.gradients(true)), rounds);
  } finally {
    pool.close();
  }

  // With early stopping, keep the trees of the best round only.
  const bestRound = validation && hp.early_stopping_rounds !== undefined ? stopping.bestIteration : rounds;
  if (bestRound < rounds) {
    trees.length = bestRound * outputs;
    treeOutput.length = bestRound * outputs;
  }

  const predictRawScores = (dataset: Dataset): Float64Array => {
    const X = buildDesignMatrix(dataset, plan, { standardize: false, impute: false, float32: true });
    const scores = new Float64Array(X.rows * outputs);
    for (let i = 0; i < X.rows; i++)
      for (let k = 0; k < outputs; k++) scores[i * outputs + k] = baseScores[k];
    trees.forEach((tree, t) => {
      const k = treeOutput[t];
      for (let i = 0; i < X.rows; i++) scores[i * outputs + k] += predictRaw(tree, X.values, X.width, i);
    });
    return scores;
  };
  const toPrediction = (scores: Float64Array): Prediction => {
    if (task === 'regressor') return { values: scores };
    const p = probabilities(scores, outputs);
    return { probabilities: p, classIndex: argmaxRows(p, classCount) };
  };
  const evaluate = (dataset: Dataset, labels: Float64Array) => {
    const prediction = toPrediction(predictRawScores(dataset));
    return task === 'regressor'
      ? regressionMetrics(prediction.values!, labels)
      : classificationMetrics(prediction.probabilities!, classCount, labels);
  };
  // Final metrics come from the kept trees on raw features, exactly what the ONNX model computes.
  const trainMetrics =
    bestRound < rounds || n <= 200_000
      ? evaluate(data.train.dataset, y)
      : task === 'regressor'
        ? regressionMetrics(raw, y)
        : classificationMetrics(probabilities(raw, outputs), classCount, y);
  const validationMetrics = data.validation
    ? evaluate(data.validation.dataset, data.validation.y)
    : undefined;
  for (const [name, value] of Object.entries(trainMetrics)) emit('train', name, value, rounds);
  for (const [name, value] of Object.entries(validationMetrics ?? {}))
    emit('validation', name, value, rounds);

  const metadata: ModelMetadata = {
    format: 'slipway-model/1',
    algorithm: GBDT,
    task,
    label: { name: data.labelName, type: data.labelType },
    classes: data.classes,
    features: describeFeatures(plan, false),
    inputs: describeInputs(plan),
    outputs: task === 'regressor' ? regressionOutputs : classificationOutputs(data.classes!),
    hyperparameters: { ...hp },
    metrics: { train: trainMetrics, validation: validationMetrics },
    training: {
      rows: n,
      validationRows: validation?.matrix.rows,
      iterations: rounds,
      bestIteration: bestRound,
      stoppedBy,
      seconds: (performance.now() - started) / 1000,
    },
    createdAt: new Date().toISOString(),
  };
  const onnx = exportEnsembleOnnx({
    plan,
    task,
    classes: data.classes,
    trees,
    treeOutput,
    baseScores,
    metadata: { algorithm: GBDT, task },
  });
  return { metadata, onnx, predict: (dataset) => toPrediction(predictRawScores(dataset)) };
}

/** Starting scores: the best constant model (log-odds, log priors, or the mean), as float32. */
function initialScores(task: Task, y: Float64Array, outputs: number): number[] {
  const n = Math.max(y.length, 1);
  if (task === 'regressor') {
    let sum = 0;
    for (const v of y) sum += v;
    return [Math.fround(sum / n)];
  }
  const counts = new Float64Array(Math.max(outputs, 2));
  for (const v of y) counts[v]++;
  if (task === 'binary_classifier') {
    const p = Math.min(Math.max(counts[1] / n, 1e-6), 1 - 1e-6);
    return [Math.fround(Math.log(p / (1 - p)))];
  }
  return Array.from({ length: outputs }, (_, k) => Math.fround(Math.log(Math.max(counts[k] / n, 1e-6))));
}

function addTree(scores: Float64Array, tree: Tree, matrix: BinnedMatrix, outputs: number, k: number): void {
  for (let i = 0; i < matrix.rows; i++)
    scores[i * outputs + k] += predictBinned(tree, matrix.slots, matrix.features, i);
}

function meanLoss(task: Task, raw: Float64Array, y: Float64Array, outputs: number): number {
  const n = y.length;
  let loss = 0;
  if (task === 'regressor') {
    for (let i = 0; i < n; i++) loss += (raw[i] - y[i]) ** 2;
  } else if (task === 'binary_classifier') {
    for (let i = 0; i < n; i++) {
      const z = raw[i];
      loss += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - y[i] * z;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const base = i * outputs;
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < outputs; k++) max = Math.max(max, raw[base + k]);
      let sum = 0;
      for (let k = 0; k < outputs; k++) sum += Math.exp(raw[base + k] - max);
      loss += Math.log(sum) - (raw[base + y[i]] - max);
    }
  }
  return loss / Math.max(n, 1);
}
