/**
 * The built-in algorithms (src/algorithms) as training jobs see them: each runs as an ordinary job
 * through the SageMaker contract (`node --import tsx src/algorithms/train-entry.ts <name>`),
 * and its hyperparameters are checked when the job is created, before anything runs.
 */
import { builtinAlgorithmCommand } from '../algorithms/entry-command.ts';
import { reportedMetrics } from '../algorithms/metrics.ts';
import { builtinAlgorithms, findAlgorithm } from '../algorithms/registry.ts';
import { invalid, isSlipwayError } from '../core/errors.ts';
import type { BuiltinAlgorithm, BuiltinAlgorithms } from './builtins.ts';

/**
 * Every metric the entry point prints, per channel (`test:accuracy=0.955224 [iteration 40]`), as
 * SageMaker's built-in algorithms come with their metric definitions: a job records them unasked.
 */
const metricDefinitions = ['train', 'validation', 'test'].flatMap((channel) =>
  reportedMetrics.map((metric) => ({
    name: `${channel}:${metric}`,
    regex: `${channel}:${metric}=([-+0-9.eE]+)`,
  })),
);

/** Names users reach for, as the algorithms registry accepts them. */
const aliases = ['linear-learner', 'linear', 'xgboost'];

export function builtinAlgorithmCatalogue(): BuiltinAlgorithms {
  const catalogue = new Map<string, BuiltinAlgorithm>();
  for (const name of [...Object.keys(builtinAlgorithms), ...aliases]) {
    const algorithm = findAlgorithm(name);
    const { command, args } = builtinAlgorithmCommand(algorithm.name);
    catalogue.set(name, {
      name,
      command: [command, ...args],
      metricDefinitions,
      validateHyperparameters(hyperParameters) {
        try {
          algorithm.checkHyperparameters(hyperParameters);
        } catch (error) {
          // The algorithms name the field as SageMaker's `hyperparameters.x`; the job spec says `hyperParameters`.
          if (isSlipwayError(error) && typeof error.details.field === 'string') {
            throw invalid(
              error.details.field.replace(/^hyperparameters\./, 'hyperParameters.'),
              String(error.details.reason),
            );
          }
          throw error;
        }
      },
    });
  }
  return catalogue;
}
