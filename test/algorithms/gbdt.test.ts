import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { columnByName, datasetFromArrays } from '../../src/algorithms/data/dataset.ts';
import { encodeClasses } from '../../src/algorithms/features/label-encoding.ts';
import { exportEnsembleOnnx } from '../../src/algorithms/gbdt/gbdt-onnx.ts';
import { trainGbdt } from '../../src/algorithms/gbdt/train-gbdt.ts';
import { accuracy } from '../../src/algorithms/metrics.ts';
import { seededNormal } from '../../src/algorithms/random.ts';
import { isSlipwayError } from '../../src/core/errors.ts';
import { generated } from './helpers/generated-data.ts';
import { assertOnnxMatchesTrainer } from './helpers/onnx-check.ts';
import { penguinsSplit } from './helpers/penguins.ts';

test('binary GBDT: learns, reports per-round metrics, and its TreeEnsembleClassifier agrees', async () => {
  const train = generated({ rows: 3000, task: 'binary', seed: 11 });
  const holdout = generated({ rows: 600, task: 'binary', seed: 12 });
  const lines: string[] = [];
  const model = trainGbdt({
    train,
    validation: holdout,
    hyperparameters: {
      objective: 'binary:logistic',
      label: 'target',
      num_round: '40',
      max_depth: '4',
      eta: '0.2',
    },
    onMetric: (channel, name, value, round) => lines.push(`${round} ${channel}:${name}=${value}`),
  });
  const m = model.metadata;
  assert.equal(m.task, 'binary_classifier');
  assert.ok(m.metrics.validation!.auc > 0.93, `validation auc ${m.metrics.validation!.auc}`);
  assert.ok(
    lines.includes(
      `40 validation:auc=${lines.find((l) => l.startsWith('40 validation:auc='))?.split('=')[1]}`,
    ),
  );
  assert.equal(lines.filter((l) => / validation:logloss=/.test(l)).length, 40);
  // Missing values in `a` and `colour` exercise default directions and all-zero one-hot rows.
  await assertOnnxMatchesTrainer(model, holdout, 1e-4);
});

test('multiclass GBDT with string classes: one tree per class per round, SOFTMAX export agrees', async () => {
  const train = generated({ rows: 2000, task: 'multiclass', seed: 13 });
  const holdout = generated({ rows: 400, task: 'multiclass', seed: 14 });
  const model = trainGbdt({
    train,
    hyperparameters: { objective: 'multi:softprob', label: 'target', num_round: '15', max_depth: '3' },
  });
  assert.deepEqual(model.metadata.classes, ['high', 'low', 'mid']);
  assert.ok(model.metadata.metrics.train.accuracy > 0.8);
  await assertOnnxMatchesTrainer(model, holdout, 1e-4);
});

test('GBDT regression fits a step function a linear model cannot, and TreeEnsembleRegressor agrees', async () => {
  const normal = seededNormal(21);
  const x = Array.from({ length: 2000 }, () => normal());
  const target = x.map((v) => (v > 0.3 ? 10 : -5) + 0.1 * normal());
  const train = datasetFromArrays({ target, x });
  const model = trainGbdt({
    train,
    hyperparameters: { objective: 'reg:squarederror', label: 'target', num_round: '30', max_depth: '2' },
  });
  assert.ok(model.metadata.metrics.train.rmse < 0.5, `rmse ${model.metadata.metrics.train.rmse}`);
  await assertOnnxMatchesTrainer(
    model,
    datasetFromArrays({ target: target.slice(0, 300), x: x.slice(0, 300) }),
    1e-4,
  );
});

test('early stopping keeps the best round and subsampling still learns', () => {
  const train = generated({ rows: 1500, task: 'binary', seed: 15 });
  const holdout = generated({ rows: 400, task: 'binary', seed: 16 });
  const model = trainGbdt({
    train,
    validation: holdout,
    hyperparameters: {
      objective: 'binary:logistic',
      label: 'target',
      num_round: '500',
      eta: '0.5',
      max_depth: '6',
      min_child_weight: '0',
      subsample: '0.7',
      early_stopping_rounds: '5',
    },
  });
  const t = model.metadata.training;
  assert.equal(t.stoppedBy, 'early_stopping');
  assert.equal(t.iterations, t.bestIteration + 5);
  assert.ok(model.metadata.metrics.validation!.auc > 0.9);
});

test('penguins: GBDT predicts sex at about 0.9 held-out accuracy; ONNX agrees', async () => {
  const { train, test: heldOut } = penguinsSplit();
  const model = trainGbdt({
    train,
    hyperparameters: {
      objective: 'binary:logistic',
      label: 'sex',
      num_round: '50',
      max_depth: '3',
      eta: '0.1',
    },
  });
  const y = encodeClasses(columnByName(heldOut, 'sex')!, model.metadata.classes!, 'test');
  const heldOutAccuracy = accuracy(model.predict(heldOut).probabilities!, 2, y);
  assert.ok(heldOutAccuracy >= 0.85, `held-out accuracy ${heldOutAccuracy}`);
  await assertOnnxMatchesTrainer(model, heldOut, 1e-4);
});

test('GBDT hyperparameters are validated with the hyperparameter named', () => {
  const train = generated({ rows: 50, task: 'binary', seed: 17 });
  const cases: [Record<string, string>, RegExp][] = [
    [{ max_depth: '0' }, /^hyperparameters\.max_depth: must be an integer between 1 and 20$/],
    [{ max_depth: '3.5' }, /^hyperparameters\.max_depth: must be an integer between 1 and 20$/],
    [
      { learning_rate: '0' },
      /^hyperparameters\.learning_rate: must be a number greater than 0 and at most 1$/,
    ],
    [{ objective: 'rank:pairwise' }, /^hyperparameters\.objective: must be one of/],
    [{ num_round: 'ten' }, /^hyperparameters\.num_round: must be an integer/],
    [{ subsample: '1.5' }, /^hyperparameters\.subsample: must be a number/],
    [{ early_stopping_rounds: '3', label: 'target' }, /early_stopping_rounds: needs a validation channel/],
    [
      { objective: 'binary:logistic', label: 'colour' },
      /binary_classifier needs exactly 2 label values, the data has 3/,
    ],
  ];
  for (const [hyperparameters, pattern] of cases) {
    assert.throws(
      () => trainGbdt({ train, hyperparameters }),
      (e: unknown) => isSlipwayError(e) && e.kind === 'validation' && pattern.test(e.message),
      JSON.stringify(hyperparameters),
    );
  }
});

test('a binary ensemble whose leaf weights are all positive still exports log-odds semantics', async () => {
  const tree = {
    feature: [0, -1, -1],
    threshold: [0, 0, 0],
    splitSlot: [2, 0, 0],
    missingSlot: [0, 0, 0],
    defaultLeft: [true, true, true],
    left: [1, -1, -1],
    right: [2, -1, -1],
    value: [0, 0.5, 1],
  };
  const onnx = exportEnsembleOnnx({
    plan: { numeric: [{ name: 'x', mean: 0, std: 1 }], categorical: [], order: ['x'] },
    task: 'binary_classifier',
    classes: [0, 1],
    trees: [tree],
    treeOutput: [0],
    baseScores: [-1],
  });
  const session = await ort.InferenceSession.create(onnx);
  const out = await session.run({
    numeric: new ort.Tensor('float32', Float32Array.from([-1, 1, Number.NaN]), [3, 1]),
  });
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
  const want = [sigmoid(-0.5), sigmoid(0), sigmoid(-0.5)];
  const p = out.probabilities.data as Float32Array;
  want.forEach((w, i) => {
    assert.ok(Math.abs(p[2 * i + 1] - w) < 1e-6, `row ${i}: ${p[2 * i + 1]} vs ${w}`);
    assert.ok(Math.abs(p[2 * i] - (1 - w)) < 1e-6);
  });
});
