import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { builtinAlgorithmCommand } from '../../src/algorithms/entry-command.ts';
import type { ModelMetadata } from '../../src/algorithms/model.ts';

/** A SageMaker-like layout in a temp folder: input/data/<channel>, model, output. */
function layout() {
  const root = mkdtempSync(join(tmpdir(), 'slipway-entry-'));
  const dirs = {
    root,
    train: join(root, 'input/data/train'),
    validation: join(root, 'input/data/validation'),
    model: join(root, 'model'),
    output: join(root, 'output'),
  };
  for (const d of [dirs.train, dirs.validation, dirs.model, dirs.output]) mkdirSync(d, { recursive: true });
  return dirs;
}

function run(args: string[], env: Record<string, string>) {
  // The command the platform uses, started from an unrelated working directory.
  const { command, args: base } = builtinAlgorithmCommand(args[0]);
  const result = spawnSync(command, [...base.slice(0, -1), ...args], {
    cwd: tmpdir(),
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('linear learner on penguins through the SM_* contract: metrics on stdout, ONNX model out', async () => {
  const dirs = layout();
  // Penguins with NA rows: unlabelled rows are skipped, missing features imputed.
  copyFileSync(join(process.cwd(), 'test/fixtures/penguins.csv'), join(dirs.train, 'penguins.csv'));
  const { code, stdout, stderr } = run(['linear-learner'], {
    SM_CHANNEL_TRAIN: dirs.train,
    SM_MODEL_DIR: dirs.model,
    SM_OUTPUT_DIR: dirs.output,
    SM_HPS: JSON.stringify({ predictor_type: 'binary_classifier', label: 'sex', epochs: 50 }),
  });
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^train:accuracy=0\.\d{6} \[iteration 1\]$/m);
  assert.match(stdout, /^train:log_loss=0\.\d+ /m);
  assert.ok(!existsSync(join(dirs.output, 'failure')));
  const metadata = JSON.parse(readFileSync(join(dirs.model, 'metadata.json'), 'utf8')) as ModelMetadata;
  assert.equal(metadata.algorithm, 'linear-learner');
  assert.equal(metadata.training.rows, 333);
  const session = await ort.InferenceSession.create(readFileSync(join(dirs.model, 'model.onnx')));
  assert.deepEqual([...session.inputNames].sort(), ['categorical', 'numeric']);
  assert.deepEqual([...session.outputNames], ['label', 'probabilities']);
  // A Gentoo male: long bill, heavy.
  const out = await session.run({
    numeric: new ort.Tensor('float32', Float32Array.from([50.0, 16.3, 230, 5700, 2009]), [1, 5]),
    categorical: new ort.Tensor('string', ['Gentoo', 'Biscoe'], [1, 2]),
  });
  assert.deepEqual(metadata.inputs[0].columns, [
    'bill_length_mm',
    'bill_depth_mm',
    'flipper_length_mm',
    'body_mass_g',
    'year',
  ]);
  assert.equal(out.label.data[0], 'male');
});

test('gbdt on headerless CSV with the label first (SageMaker convention) and a validation channel', () => {
  const dirs = layout();
  const lines = (n: number, offset: number) =>
    Array.from({ length: n }, (_, i) => {
      const x = ((i + offset) * 37) % 100;
      const z = ((i + offset) * 53) % 7;
      return `${x > 50 ? 1 : 0},${x},${z}`;
    }).join('\n');
  writeFileSync(join(dirs.train, 'part-0.csv'), lines(300, 0));
  writeFileSync(join(dirs.train, 'part-1.csv'), lines(300, 300));
  writeFileSync(join(dirs.validation, 'v.csv'), lines(100, 1000));
  const { code, stdout, stderr } = run(['gbdt'], {
    SM_CHANNEL_TRAIN: dirs.train,
    SM_CHANNEL_VALIDATION: dirs.validation,
    SM_MODEL_DIR: dirs.model,
    SM_OUTPUT_DIR: dirs.output,
    SM_HPS: JSON.stringify({ objective: 'binary:logistic', num_round: '5', max_depth: '2' }),
  });
  assert.equal(code, 0, stderr);
  assert.match(stdout, /train_rows=600 validation_rows=100/);
  assert.equal(stdout.match(/^validation:auc=/gm)?.length, 6); // 5 rounds + final
  assert.match(stdout, /^validation:accuracy=1\.000000/m);
  const metadata = JSON.parse(readFileSync(join(dirs.model, 'metadata.json'), 'utf8')) as ModelMetadata;
  assert.equal(metadata.label.name, 'c0');
  assert.deepEqual(metadata.classes, [0, 1]);
  assert.deepEqual(
    metadata.features.map((f) => f.name),
    ['c1', 'c2'],
  );
});

test('a bad hyperparameter fails before any data is read, with the reason in the failure file', () => {
  const dirs = layout();
  const failure = join(dirs.root, 'custom-failure');
  const { code, stdout } = run(['gbdt'], {
    SM_CHANNEL_TRAIN: join(dirs.root, 'does-not-exist'),
    SM_MODEL_DIR: dirs.model,
    SM_OUTPUT_FAILURE: failure,
    SM_HPS: JSON.stringify({ objective: 'binary:logistic', max_depth: '50' }),
  });
  assert.equal(code, 1);
  assert.equal(
    readFileSync(failure, 'utf8'),
    'hyperparameters.max_depth: must be an integer between 1 and 20',
  );
  assert.doesNotMatch(stdout, /train_rows/);
  assert.ok(!existsSync(join(dirs.model, 'model.onnx')));
});

test('a missing train channel and an unknown algorithm are reported as failures', () => {
  const dirs = layout();
  const missing = run(['linear-learner'], {
    SM_CHANNEL_TRAIN: join(dirs.root, 'nowhere'),
    SM_MODEL_DIR: dirs.model,
    SM_OUTPUT_DIR: dirs.output,
    SM_HPS: JSON.stringify({ predictor_type: 'regressor' }),
  });
  assert.equal(missing.code, 1);
  assert.match(
    readFileSync(join(dirs.output, 'failure'), 'utf8'),
    /channel "train" is required but SM_CHANNEL_TRAIN points to/,
  );
  const unknown = run(['random-forest'], { SM_OUTPUT_DIR: dirs.output, SM_HPS: '{}' });
  assert.equal(unknown.code, 1);
  assert.match(
    readFileSync(join(dirs.output, 'failure'), 'utf8'),
    /algorithm "random-forest" is not one of: linear-learner, gbdt/,
  );
});
