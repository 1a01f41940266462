/** Hyperparameters of gradient-boosted trees, named as XGBoost names them (with its aliases). */
import { commonHyperparameters, type HyperparameterSpec, parseHyperparameters } from '../hyperparameters.ts';

export const gbdtObjectives = [
  'binary:logistic',
  'multi:softprob',
  'multi:softmax',
  'reg:squarederror',
] as const;

export const gbdtHyperparameterSpecs = {
  ...commonHyperparameters,
  objective: { kind: 'enum', values: gbdtObjectives, default: 'reg:squarederror' },
  num_round: { kind: 'int', min: 1, max: 100000, default: 100 },
  eta: { kind: 'float', min: 0, max: 1, exclusiveMin: true, default: 0.3, aliases: ['learning_rate'] },
  max_depth: { kind: 'int', min: 1, max: 20, default: 6 },
  min_child_weight: { kind: 'float', min: 0, max: 1e9, default: 1 },
  lambda: { kind: 'float', min: 0, max: 1e9, default: 1, aliases: ['reg_lambda'] },
  gamma: { kind: 'float', min: 0, max: 1e9, default: 0, aliases: ['min_split_loss'] },
  subsample: { kind: 'float', min: 0, max: 1, exclusiveMin: true, default: 1 },
  max_bin: { kind: 'int', min: 2, max: 255, default: 255 },
  early_stopping_rounds: { kind: 'int', min: 1, max: 100000 },
  num_class: { kind: 'int', min: 2, max: 10000 },
  max_categories: { kind: 'int', min: 1, max: 10000, default: 100 },
  /** Threads for histogram building; 0 means one per available CPU. */
  nthread: { kind: 'int', min: 0, max: 256, default: 0, aliases: ['threads'] },
} as const satisfies Record<string, HyperparameterSpec>;

export type GbdtHyperparameters = ReturnType<typeof parseGbdtHyperparameters>;

export function parseGbdtHyperparameters(raw: unknown) {
  return parseHyperparameters(gbdtHyperparameterSpecs, raw);
}
