/** Hyperparameters of the linear learner (names follow SageMaker's linear learner where one exists). */
import { invalid } from '../../core/errors.ts';
import { commonHyperparameters, type HyperparameterSpec, parseHyperparameters } from '../hyperparameters.ts';

export const linearHyperparameterSpecs = {
  ...commonHyperparameters,
  predictor_type: { kind: 'enum', values: ['binary_classifier', 'multiclass_classifier', 'regressor'] },
  /** Maximum L-BFGS iterations; each is one full pass over the data (more if the line search backtracks). */
  epochs: { kind: 'int', min: 1, max: 10000, default: 100 },
  /** L2 penalty (l2/2)·|w|² added to the mean loss, on standardised features; biases are not penalised. */
  l2: { kind: 'float', min: 0, max: 1e6, default: 1e-4, aliases: ['wd'] },
  /** Convergence: stop when max |gradient| of the objective falls below this. */
  tolerance: { kind: 'float', min: 0, max: 1, default: 1e-6 },
  normalize_data: { kind: 'bool', default: true },
  early_stopping_patience: { kind: 'int', min: 1, max: 1000, default: 5 },
  early_stopping_tolerance: { kind: 'float', min: 0, max: 1, default: 1e-4 },
  max_categories: { kind: 'int', min: 1, max: 10000, default: 100 },
  num_classes: { kind: 'int', min: 2, max: 1000000 },
  /**
   * auto: Newton with a sub-sampled Hessian for binary and regression models with up to 64
   * encoded features (fewer full passes), L-BFGS otherwise.
   */
  optimizer: { kind: 'enum', values: ['auto', 'lbfgs', 'newton'], default: 'auto' },
  /** Threads for the full-batch passes; 0 means one per available CPU. */
  nthread: { kind: 'int', min: 0, max: 256, default: 0, aliases: ['threads'] },
} as const satisfies Record<string, HyperparameterSpec>;

export type LinearHyperparameters = ReturnType<typeof parseLinearHyperparameters>;

export function parseLinearHyperparameters(raw: unknown) {
  const hp = parseHyperparameters(linearHyperparameterSpecs, raw);
  if (hp.predictor_type === undefined) {
    const values = linearHyperparameterSpecs.predictor_type.values.join(', ');
    throw invalid('hyperparameters.predictor_type', `is required (one of ${values})`);
  }
  if (hp.optimizer === 'newton' && hp.predictor_type === 'multiclass_classifier') {
    throw invalid(
      'hyperparameters.optimizer',
      'newton supports binary_classifier and regressor; use lbfgs or auto',
    );
  }
  return { ...hp, predictor_type: hp.predictor_type };
}
