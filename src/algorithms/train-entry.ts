/**
 * Entry point of the built-in algorithms as a training program under the SageMaker training
 * container contract:
 *
 *   node --import tsx src/algorithms/train-entry.ts <algorithm>
 *
 * The algorithm ("linear-learner" or "gbdt") comes from the first argument, else the `algorithm`
 * hyperparameter, else SLIPWAY_ALGORITHM. Inputs: SM_HPS (JSON; else
 * <SM_INPUT_DIR>/config/hyperparameters.json), SM_CHANNEL_TRAIN (a CSV file or a folder of them;
 * required), SM_CHANNEL_VALIDATION (optional). Output: model.onnx and metadata.json in
 * SM_MODEL_DIR, metric lines such as `train:accuracy=0.930000 [iteration 12]` on stdout. On failure the reason goes
 * to SM_OUTPUT_FAILURE, else <SM_OUTPUT_DIR or /opt/ml/output>/failure, and the exit code is non-zero
 * (1 for bad input, 2 for an internal error).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isSlipwayError } from '../core/errors.ts';
import { readCsv } from './data/csv-reader.ts';
import type { ColumnKind } from './data/dataset.ts';
import { AlgorithmErrors } from './errors.ts';
import { evaluateModel } from './evaluate.ts';
import { writeModelDir } from './model-dir.ts';
import { findAlgorithm } from './registry.ts';

export type Env = Record<string, string | undefined>;

function readHyperparameters(env: Env): Record<string, unknown> {
  if (env.SM_HPS) {
    try {
      return JSON.parse(env.SM_HPS) as Record<string, unknown>;
    } catch (error) {
      throw AlgorithmErrors.dataInvalid({
        source: 'SM_HPS',
        reason: `is not valid JSON (${(error as Error).message})`,
      });
    }
  }
  const file = join(env.SM_INPUT_DIR ?? '/opt/ml/input', 'config', 'hyperparameters.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
}

function channelPath(env: Env, channel: string, required: boolean): string | undefined {
  const variable = `SM_CHANNEL_${channel.toUpperCase()}`;
  const path = env[variable] ?? join(env.SM_INPUT_DIR ?? '/opt/ml/input', 'data', channel);
  if (existsSync(path)) return path;
  if (!required) return undefined;
  throw AlgorithmErrors.channelMissing({
    channel,
    reason: env[variable] ? `${variable} points to ${path}, which does not exist` : `${variable} is not set`,
  });
}

function formatMetric(value: number): string {
  return Number.isFinite(value) ? value.toFixed(6) : String(value).toLowerCase();
}

export function failurePath(env: Env): string {
  return env.SM_OUTPUT_FAILURE ?? join(env.SM_OUTPUT_DIR ?? '/opt/ml/output', 'failure');
}

/** Runs one training job; returns the process exit code. */
export function runTrainingEntry(argv: readonly string[], env: Env, out: (line: string) => void): number {
  try {
    const hyperparameters = readHyperparameters(env);
    const name = argv[0] ?? (hyperparameters.algorithm as string | undefined) ?? env.SLIPWAY_ALGORITHM;
    if (!name) {
      throw AlgorithmErrors.unknownAlgorithm({
        algorithm: '',
        known: 'linear-learner, gbdt (first argument)',
      });
    }
    const algorithm = findAlgorithm(name);
    // Every hyperparameter is checked before any data is read.
    const checked = algorithm.checkHyperparameters(hyperparameters);
    const header = checked.header === 'auto' ? 'auto' : checked.header === 'true';
    const trainPath = channelPath(env, 'train', true)!;
    const train = readCsv(trainPath, { header }).dataset;
    const validationPath = channelPath(env, 'validation', false);
    const kinds: Record<string, ColumnKind> = Object.fromEntries(train.columns.map((c) => [c.name, c.kind]));
    const validation = validationPath
      ? readCsv(validationPath, { header, kinds, names: train.columns.map((c) => c.name) }).dataset
      : undefined;
    const testPath = channelPath(env, 'test', false);
    const test = testPath
      ? readCsv(testPath, { header, kinds, names: train.columns.map((c) => c.name) }).dataset
      : undefined;
    out(
      `algorithm=${algorithm.name} train_rows=${train.rowCount} validation_rows=${validation?.rowCount ?? 0} test_rows=${test?.rowCount ?? 0}`,
    );
    const model = algorithm.train({
      train,
      validation,
      hyperparameters,
      onMetric: (channel, metric, value, iteration) =>
        out(`${channel}:${metric}=${formatMetric(value)} [iteration ${iteration}]`),
    });
    if (test) {
      // Held-out rows, scored once after training: what the walkthrough compares across models.
      const metrics = evaluateModel(model, test);
      model.metadata.metrics.test = metrics;
      const iterations = model.metadata.training.iterations;
      for (const [metric, value] of Object.entries(metrics))
        out(`test:${metric}=${formatMetric(value)} [iteration ${iterations}]`);
    }
    const modelDir = env.SM_MODEL_DIR ?? '/opt/ml/model';
    writeModelDir(modelDir, model);
    out(
      `model written to ${modelDir} (${model.metadata.training.iterations} iterations, ${model.metadata.training.stoppedBy})`,
    );
    return 0;
  } catch (error) {
    const reason = isSlipwayError(error)
      ? error.message
      : `internal error: ${(error as Error)?.stack ?? String(error)}`;
    const path = failurePath(env);
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, reason);
    } catch {
      // The reason still reaches stderr below.
    }
    process.stderr.write(`${reason}\n`);
    return isSlipwayError(error) && error.kind === 'validation' ? 1 : 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = runTrainingEntry(process.argv.slice(2), process.env, (line) =>
    process.stdout.write(`${line}\n`),
  );
}
