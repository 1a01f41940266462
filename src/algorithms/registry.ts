/**
 * The built-in algorithms by name, each with its up-front hyperparameter check and its trainer,
 * so the entry point (and the platform) can validate a job before any data is read.
 */
import type { Dataset } from './data/dataset.ts';
import { AlgorithmErrors } from './errors.ts';
import { parseGbdtHyperparameters } from './gbdt/gbdt-hyperparameters.ts';
import { GBDT, trainGbdt } from './gbdt/train-gbdt.ts';
import { parseLinearHyperparameters } from './linear/linear-hyperparameters.ts';
import { LINEAR_LEARNER, trainLinearLearner } from './linear/train-linear.ts';
import type { MetricSink, TrainedModel } from './model.ts';

export interface BuiltinAlgorithm {
  name: string;
  /** Throws a validation error naming the first bad hyperparameter; returns the resolved values. */
  checkHyperparameters(raw: unknown): { label?: string; header: 'auto' | 'true' | 'false' };
  train(options: {
    train: Dataset;
    validation?: Dataset;
    hyperparameters: Record<string, unknown>;
    onMetric?: MetricSink;
  }): TrainedModel;
}

export const builtinAlgorithms: Record<string, BuiltinAlgorithm> = {
  [LINEAR_LEARNER]: {
    name: LINEAR_LEARNER,
    checkHyperparameters: parseLinearHyperparameters,
    train: trainLinearLearner,
  },
  [GBDT]: { name: GBDT, checkHyperparameters: parseGbdtHyperparameters, train: trainGbdt },
};

/** Other names users reach for. */
const aliases: Record<string, string> = {
  'linear-learner': LINEAR_LEARNER,
  linear: LINEAR_LEARNER,
  xgboost: GBDT,
};

export function findAlgorithm(name: string): BuiltinAlgorithm {
  const algorithm = builtinAlgorithms[name] ?? builtinAlgorithms[aliases[name] ?? ''];
  if (!algorithm) {
    throw AlgorithmErrors.unknownAlgorithm({
      algorithm: name,
      known: Object.keys(builtinAlgorithms).join(', '),
    });
  }
  return algorithm;
}
