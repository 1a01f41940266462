/** Built-in algorithms as the training service sees them: a command to run and an up-front check. */
export interface BuiltinAlgorithm {
  name: string;
  /** The command that trains (it reads the SageMaker contract like any user code). */
  command: string[];
  /** The metrics its log reports (`validation:accuracy=0.93…`): a job's definitions when it gives none. */
  metricDefinitions: Array<{ name: string; regex: string }>;
  /** Throws a validation error naming `hyperparameters.<name>` before anything runs. */
  validateHyperparameters(hyperParameters: Record<string, string>): void;
}

export type BuiltinAlgorithms = ReadonlyMap<string, BuiltinAlgorithm>;
