/** What a training job runs: a built-in, a command, script mode (entry point + source), or an image. */
import { extname, join } from 'node:path';
import type { BuiltinAlgorithms } from './builtins.ts';
import { decodeHyperparameter, userArguments } from './container-contract.ts';
import { TrainingErrors } from './errors.ts';
import type { TrainingJobSpec } from './types.ts';

export interface ResolvedCommand {
  image?: string;
  command?: string[];
  args?: string[];
}

export function scriptProgram(spec: TrainingJobSpec): string | undefined {
  const value = spec.hyperParameters?.sagemaker_program;
  return value === undefined ? undefined : String(decodeHyperparameter(value));
}

export function submitDirectory(spec: TrainingJobSpec): string | undefined {
  const value = spec.hyperParameters?.sagemaker_submit_directory;
  return value === undefined ? undefined : String(decodeHyperparameter(value));
}

export function resolveCommand(
  spec: TrainingJobSpec,
  options: { codeRoot: string; python: string; builtins: BuiltinAlgorithms },
): ResolvedCommand {
  const algorithm = spec.algorithmSpecification;
  const image = algorithm.trainingImage;
  if (algorithm.algorithmName) {
    const builtin = options.builtins.get(algorithm.algorithmName);
    if (!builtin) {
      throw TrainingErrors.unknownAlgorithm({
        name: algorithm.algorithmName,
        known: [...options.builtins.keys()].join(', ') || 'none',
      });
    }
    return { command: builtin.command, args: [] };
  }
  if (algorithm.containerEntrypoint) {
    return { image, command: algorithm.containerEntrypoint, args: algorithm.containerArguments ?? [] };
  }
  const program = scriptProgram(spec);
  if (program) {
    const path = join(options.codeRoot, program);
    const args = userArguments(spec.hyperParameters ?? {});
    switch (extname(program)) {
      case '.py':
        return { image, command: [image ? 'python3' : options.python, path], args };
      case '.sh':
        return { image, command: ['/bin/sh', path], args };
      case '.js':
      case '.mjs':
        return { image, command: [image ? 'node' : process.execPath, path], args };
      default:
        return { image, command: [path], args };
    }
  }
  if (image) return { image, args: ['train'] };
  throw TrainingErrors.noCommand();
}
