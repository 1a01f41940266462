/**
 * The built-in algorithms (src/algorithms) as training jobs see them: each runs as an ordinary job
 * through the SageMaker contract with `node --import tsx src/algorithms/train-entry.ts <name>`,
 * and its hyperparameters are checked when the job is created, before anything runs.
 */
import { fileURLToPath } from 'node:url';
import { builtinAlgorithms, findAlgorithm } from '../algorithms/registry.ts';
import { invalid, isSlipwayError } from '../core/errors.ts';
import type { BuiltinAlgorithm, BuiltinAlgorithms } from './builtins.ts';

const entry = fileURLToPath(new URL('../algorithms/train-entry.ts', import.meta.url));
// Absolute, because the job runs in its own folder where a bare `tsx` would not resolve.
const tsxLoader = import.meta.resolve('tsx');

/** Names users reach for, as the algorithms registry accepts them. */
const aliases = ['linear-learner', 'linear', 'xgboost'];

export function builtinAlgorithmCatalogue(): BuiltinAlgorithms {
  const catalogue = new Map<string, BuiltinAlgorithm>();
  for (const name of [...Object.keys(builtinAlgorithms), ...aliases]) {
    const algorithm = findAlgorithm(name);
    catalogue.set(name, {
      name,
      command: [process.execPath, '--import', tsxLoader, entry, algorithm.name],
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
