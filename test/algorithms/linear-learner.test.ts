import assert from 'node:assert/strict';
import { test } from 'node:test';
import { columnByName, datasetFromArrays } from '../../src/algorithms/data/dataset.ts';
import { encodeClasses } from '../../src/algorithms/features/label-encoding.ts';
import { trainLinearLearner } from '../../src/algorithms/linear/train-linear.ts';
import { accuracy, logLoss } from '../../src/algorithms/metrics.ts';
import { isSlipwayError } from '../../src/core/errors.ts';
import { generated } from './helpers/generated-data.ts';
import { assertOnnxMatchesTrainer } from './helpers/onnx-check.ts';
import { penguinsSplit } from './helpers/penguins.ts';

test('binary logistic regression learns generated data and its ONNX export agrees', async () => {
  const train = generated({ rows: 2000, task: 'binary', seed: 1 });
  const holdout = generated({ rows: 500, task: 'binary', seed: 2 });
  const lines: string[] = [];
  const model = trainLinearLearner({
    train,
    validation: holdout,
    hyperparameters: { predictor_type: 'binary_classifier', label: 'target' },
    onMetric: (channel, name, value) => lines.push(`${channel}:${name}=${value}`),
  });
  const m = model.metadata;
  assert.equal(m.task, 'binary_classifier');
  assert.deepEqual(m.classes, [0, 1]);
  assert.ok(m.metrics.validation!.accuracy > 0.85, `validation accuracy ${m.metrics.validation!.accuracy}`);
  assert.ok(m.metrics.validation!.auc > 0.93);
  assert.deepEqual(
    m.inputs.map((i) => [i.name, i.type, i.columns.join('|')]),
    [
      ['numeric', 'float32', 'a|b'],
      ['categorical', 'string', 'colour'],
    ],
  );
  assert.deepEqual(m.features.find((f) => f.name === 'colour')?.categories, ['blue', 'green', 'red']);
  assert.ok(lines.some((l) => l.startsWith('train:objective_loss=')));
  assert.ok(lines.some((l) => l.startsWith('validation:accuracy=')));
  assert.ok(m.training.bestIteration >= 1 && m.training.bestIteration <= m.training.iterations);
  // The exported weights are those of the best validation iteration (improvements under the
  // early-stopping tolerance do not count), so the reported validation loss is that iteration's.
  const atBest = lines.find((l) => l === `validation:objective_loss=${m.metrics.validation!.log_loss}`);
  const validationLosses = lines
    .filter((l) => l.startsWith('validation:objective_loss='))
    .map((l) => Number(l.split('=')[1]));
  assert.ok(
    Math.abs(m.metrics.validation!.log_loss - validationLosses[m.training.bestIteration - 1]) < 1e-9,
    `${atBest} ${m.metrics.validation!.log_loss} vs ${validationLosses[m.training.bestIteration - 1]}`,
  );
  await assertOnnxMatchesTrainer(model, holdout, 1e-4);
});

test('training metrics taken from the last optimiser pass equal a fresh evaluation', () => {
  const train = generated({ rows: 1500, task: 'binary', seed: 31 });
  for (const predictor_type of ['binary_classifier', 'multiclass_classifier']) {
    const model = trainLinearLearner({
      train,
      hyperparameters: { predictor_type, label: 'target', l2: '0.01' },
    });
    const y = encodeClasses(columnByName(train, 'target')!, model.metadata.classes!, 'train');
    const p = model.predict(train).probabilities!;
    const k = model.metadata.classes!.length;
    assert.ok(Math.abs(model.metadata.metrics.train.accuracy - accuracy(p, k, y)) < 1e-12);
    assert.ok(Math.abs(model.metadata.metrics.train.log_loss - logLoss(p, k, y)) < 1e-9);
  }
});

test('Newton (sub-sampled Hessian) and L-BFGS reach the same model', () => {
  for (const [task, predictor_type] of [
    ['binary', 'binary_classifier'],
    ['regression', 'regressor'],
  ] as const) {
    const train = generated({ rows: 3000, task, seed: 41 });
    const fit = (optimizer: string) =>
      trainLinearLearner({
        train,
        hyperparameters: { predictor_type, label: 'target', optimizer, l2: '0.001', tolerance: '1e-9' },
      });
    const newton = fit('newton');
    const lbfgs = fit('lbfgs');
    assert.equal(newton.metadata.training.optimizer, 'newton');
    assert.equal(lbfgs.metadata.training.optimizer, 'lbfgs');
    const a = newton.predict(train);
    const b = lbfgs.predict(train);
    const x = a.probabilities ?? a.values!;
    const z = b.probabilities ?? b.values!;
    for (let i = 0; i < x.length; i++)
      assert.ok(Math.abs(x[i] - z[i]) < 1e-5 * Math.max(1, Math.abs(z[i])), `${task} ${i}`);
  }
  assert.throws(
    () =>
      trainLinearLearner({
        train: generated({ rows: 50, task: 'multiclass', seed: 1 }),
        hyperparameters: { predictor_type: 'multiclass_classifier', optimizer: 'newton' },
      }),
    /hyperparameters\.optimizer: newton supports binary_classifier and regressor/,
  );
});

test('multinomial regression with string classes exports SOFTMAX probabilities that match', async () => {
  const train = generated({ rows: 1500, task: 'multiclass', seed: 3 });
  const holdout = generated({ rows: 400, task: 'multiclass', seed: 4 });
  const model = trainLinearLearner({
    train,
    hyperparameters: { predictor_type: 'multiclass_classifier', label: 'target', l2: '0.001' },
  });
  assert.deepEqual(model.metadata.classes, ['high', 'low', 'mid']);
  assert.ok(model.metadata.metrics.train.accuracy > 0.8, `accuracy ${model.metadata.metrics.train.accuracy}`);
  await assertOnnxMatchesTrainer(model, holdout, 1e-4);
});

test('linear regression recovers the generating coefficients in original units', async () => {
  const train = generated({ rows: 3000, task: 'regression', seed: 5 });
  const model = trainLinearLearner({
    train,
    hyperparameters: { predictor_type: 'regressor', label: 'target', l2: '0' },
  });
  // Noise N(0, 0.5²) on z, times 10, gives variance 25; mean-imputing the 5% missing `a` (sd 3,
  // weight 8) adds about 0.05·24² ≈ 29: the residual RMSE should be close to sqrt(54) ≈ 7.3.
  const rmse = model.metadata.metrics.train.rmse;
  assert.ok(rmse > 6.5 && rmse < 8, `rmse ${rmse}`);
  assert.ok(model.metadata.metrics.train.r2 > 0.9, `r2 ${model.metadata.metrics.train.r2}`);
  await assertOnnxMatchesTrainer(model, generated({ rows: 300, task: 'regression', seed: 6 }), 1e-4);
});

test('penguins: predicts sex from the other columns at about 0.9 accuracy; ONNX agrees', async () => {
  const { train, test: heldOut } = penguinsSplit();
  const model = trainLinearLearner({
    train,
    hyperparameters: { predictor_type: 'binary_classifier', label: 'sex' },
  });
  assert.deepEqual(model.metadata.classes, ['female', 'male']);
  const y = encodeClasses(columnByName(heldOut, 'sex')!, model.metadata.classes!, 'test');
  const heldOutAccuracy = accuracy(model.predict(heldOut).probabilities!, 2, y);
  assert.ok(heldOutAccuracy >= 0.87, `held-out accuracy ${heldOutAccuracy}`);
  assert.deepEqual(
    model.metadata.features.map((f) => `${f.name}:${f.type}`),
    [
      'species:categorical',
      'island:categorical',
      'bill_length_mm:numeric',
      'bill_depth_mm:numeric',
      'flipper_length_mm:numeric',
      'body_mass_g:numeric',
      'year:numeric',
    ],
  );
  await assertOnnxMatchesTrainer(model, heldOut, 1e-4);
});

test('models with only categorical or only numeric features export and agree', async () => {
  const colours = ['red', 'green', 'blue'];
  const shapes = ['disc', 'cube'];
  const n = 600;
  const colour = Array.from({ length: n }, (_, i) => colours[i % 3]);
  const shape = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : shapes[(i * 5) % 2]));
  const target = colour.map((c, i) => (c === 'red' || (shape[i] === 'cube' && i % 4 !== 0) ? 'yes' : 'no'));
  const categoricalOnly = datasetFromArrays({ target, colour, shape });
  const a = trainLinearLearner({
    train: categoricalOnly,
    hyperparameters: { predictor_type: 'binary_classifier', label: 'target' },
  });
  assert.deepEqual(
    a.metadata.inputs.map((i) => i.name),
    ['categorical'],
  );
  await assertOnnxMatchesTrainer(a, categoricalOnly, 1e-4);
  const numericOnly = datasetFromArrays({
    target: colour.map((_, i) => i % 2),
    x: colour.map((_, i) => (i % 2) + (i % 5) * 0.1),
  });
  const b = trainLinearLearner({
    train: numericOnly,
    hyperparameters: { predictor_type: 'binary_classifier', label: 'target' },
  });
  assert.deepEqual(
    b.metadata.inputs.map((i) => i.name),
    ['numeric'],
  );
  await assertOnnxMatchesTrainer(b, numericOnly, 1e-4);
  assert.throws(
    () =>
      trainLinearLearner({
        train: {
          rowCount: 3,
          columns: [
            { kind: 'numeric', name: 'target', values: Float64Array.of(1, 0, 1) },
            { kind: 'categorical', name: 'empty', codes: Int32Array.of(-1, -1, -1), categories: [] },
          ],
        },
        hyperparameters: { predictor_type: 'binary_classifier', label: 'target' },
      }),
    /every feature column is empty/,
  );
});

test('hyperparameters are checked before training, naming the bad one', () => {
  const train = generated({ rows: 50, task: 'binary', seed: 8 });
  const cases: [Record<string, string>, RegExp][] = [
    [{ label: 'target' }, /hyperparameters\.predictor_type: is required/],
    [{ predictor_type: 'ranker' }, /hyperparameters\.predictor_type: must be one of binary_classifier/],
    [
      { predictor_type: 'regressor', epochs: '0' },
      /hyperparameters\.epochs: must be an integer between 1 and 10000/,
    ],
    [{ predictor_type: 'regressor', l2: '-1' }, /hyperparameters\.l2: must be a number at least 0/],
    [
      { predictor_type: 'regressor', learning_rat: '0.1' },
      /hyperparameters\.learning_rat: is not a known hyperparameter/,
    ],
    [
      { predictor_type: 'regressor', label: 'nope' },
      /hyperparameters\.label: column "nope" is not in the data/,
    ],
    [
      { predictor_type: 'multiclass_classifier', label: 'target', num_classes: '3' },
      /num_classes: is 3 but the data has 2/,
    ],
  ];
  for (const [hyperparameters, pattern] of cases) {
    assert.throws(
      () => trainLinearLearner({ train, hyperparameters }),
      (e: unknown) => isSlipwayError(e) && e.kind === 'validation' && pattern.test(e.message),
      JSON.stringify(hyperparameters),
    );
  }
});
