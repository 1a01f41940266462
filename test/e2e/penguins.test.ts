/**
 * The first hour (JOURNEY.md) on the penguins walkthrough: train her scikit-learn script unchanged,
 * deploy it in one step, predict the first ten test rows through her own inference handlers.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { preparePenguins } from '../../examples/penguins/prepare.ts';
import { invoke, waitForEndpoint } from '../helpers/hosting.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { tempFolder } from '../helpers/temp.ts';
import { waitForEnd } from '../helpers/training.ts';

const example = join(import.meta.dirname, '..', '..', 'examples', 'penguins');

describe('penguins: scikit-learn script mode, deployed through its own handlers', () => {
  const work = tempFolder('slipway-penguins-');
  let slipway: TestSlipway;
  let data: ReturnType<typeof preparePenguins>;

  before(async () => {
    slipway = await startTestSlipway();
    data = preparePenguins({ input: join(example, 'data', 'penguins.csv'), output: work.path });
  });
  after(async () => {
    await slipway.cleanup();
    work.cleanup();
  });

  const testRows = () => readFileSync(data.test, 'utf8').trim().split('\n').slice(1, 11);

  test('train.py runs unchanged as a training job and reaches the walkthrough’s accuracy', async () => {
    await slipway.client().post('/api/v1/training-jobs', {
      trainingJobName: 'penguins-sklearn',
      algorithmSpecification: {
        metricDefinitions: [
          { name: 'train:accuracy', regex: 'train:accuracy=([0-9.]+)' },
          { name: 'test:accuracy', regex: 'test:accuracy=([0-9.]+)' },
        ],
      },
      hyperParameters: {
        sagemaker_program: 'train.py',
        sagemaker_submit_directory: pathToFileURL(join(example, 'code')).href,
        C: '1.0',
      },
      inputDataConfig: [
        {
          channelName: 'train',
          dataSource: { s3DataSource: { s3Uri: pathToFileURL(join(work.path, 'train')).href } },
        },
        {
          channelName: 'test',
          dataSource: { s3DataSource: { s3Uri: pathToFileURL(join(work.path, 'test')).href } },
        },
      ],
    });
    const job = await waitForEnd(slipway.client(), 'penguins-sklearn');
    assert.equal(job.trainingJobStatus, 'Completed', job.failureReason);
    const accuracy = job.finalMetricDataList.find(
      (m: { metricName: string }) => m.metricName === 'test:accuracy',
    ).value;
    assert.ok(accuracy >= 0.85, `test accuracy ${accuracy}`);
  });

  test('deploy in one step; ten test rows as CSV and as JSON give ten predictions', async () => {
    const created = await slipway
      .client()
      .post<Record<string, any>>('/api/v1/training-jobs/penguins-sklearn/deploy', {
        endpointName: 'penguins',
      });
    assert.equal(created.endpointStatus, 'Creating');
    await waitForEndpoint(slipway.client(), 'penguins');
    const rows = testRows();
    const labels = rows.map((row) => row.split(',')[0]);
    const features = rows.map((row) => row.split(',').slice(1).join(','));

    const csv = await invoke(slipway.url, slipway.adminToken, 'penguins', `${features.join('\n')}\n`);
    assert.equal(csv.status, 200, csv.text);
    const predictions: string[] = JSON.parse(csv.text).predictions;
    assert.equal(predictions.length, 10);
    assert.ok(predictions.every((p) => p === 'male' || p === 'female'));
    const correct = predictions.filter((p, i) => p === labels[i]).length;
    assert.ok(correct >= 8, `${correct} of 10 correct`);

    const columns = [
      'species',
      'island',
      'bill_length_mm',
      'bill_depth_mm',
      'flipper_length_mm',
      'body_mass_g',
    ];
    const instances = features.map((line) =>
      Object.fromEntries(line.split(',').map((value, i) => [columns[i], i < 2 ? value : Number(value)])),
    );
    const json = await invoke(slipway.url, slipway.adminToken, 'penguins', JSON.stringify({ instances }), {
      contentType: 'application/json',
      accept: 'text/csv',
    });
    assert.equal(json.status, 200, json.text);
    assert.deepEqual(json.text.trim().split('\n'), predictions, 'output_fn answered CSV as asked');
  });

  test('a malformed row gets a 400 saying why, and the endpoint keeps serving', async () => {
    const bad = await invoke(slipway.url, slipway.adminToken, 'penguins', 'Adelie,Torgersen,39.1\n');
    assert.equal(bad.status, 400);
    assert.match(JSON.parse(bad.text).message, /each CSV row needs 6 columns/);
    const good = await invoke(
      slipway.url,
      slipway.adminToken,
      'penguins',
      `${testRows()[0]!.split(',').slice(1).join(',')}\n`,
    );
    assert.equal(good.status, 200);
  });

  test('a row the model cannot read is a 400 that names the row and carries the handler’s message', async () => {
    const bad = await invoke(
      slipway.url,
      slipway.adminToken,
      'penguins',
      'Adelie,Torgersen,39.1,18.7,181,3750\nGentoo,Biscoe,abc,15.2,218,5700\n',
    );
    assert.equal(bad.status, 400, bad.text);
    assert.match(JSON.parse(bad.text).message, /row 2: ValueError: .*abc/);
  });
});

describe('penguins: the built-in linear learner and GBDT, served in-process by ONNX Runtime', () => {
  const work = tempFolder('slipway-penguins-builtin-');
  let slipway: TestSlipway;
  let data: ReturnType<typeof preparePenguins>;
  const channel = (name: 'train' | 'test') => ({
    channelName: name === 'test' ? 'validation' : 'train',
    dataSource: { s3DataSource: { s3Uri: pathToFileURL(join(work.path, name)).href } },
  });

  before(async () => {
    slipway = await startTestSlipway();
    data = preparePenguins({ input: join(example, 'data', 'penguins.csv'), output: work.path });
  });
  after(async () => {
    await slipway.cleanup();
    work.cleanup();
  });

  test('a bad hyperparameter is refused before anything runs, naming it', async () => {
    await assert.rejects(
      slipway.client().post('/api/v1/training-jobs', {
        trainingJobName: 'bad-depth',
        algorithmSpecification: { algorithmName: 'gbdt' },
        hyperParameters: { objective: 'binary:logistic', max_depth: '99', label: 'sex' },
        inputDataConfig: [channel('train')],
      }),
      (error: any) => {
        assert.equal(error.details.field, 'hyperParameters.max_depth');
        return true;
      },
    );
  });

  for (const [algorithm, hyperParameters] of [
    ['linear-learner', { predictor_type: 'binary_classifier', label: 'sex' }],
    ['gbdt', { objective: 'binary:logistic', label: 'sex', num_round: '50', max_depth: '3' }],
  ] as const) {
    test(`${algorithm}: trains to the walkthrough's accuracy and serves predictions from ONNX`, async () => {
      const name = `penguins-${algorithm}`;
      await slipway.client().post('/api/v1/training-jobs', {
        trainingJobName: name,
        algorithmSpecification: {
          algorithmName: algorithm,
          metricDefinitions: [{ name: 'validation:accuracy', regex: 'validation:accuracy=([0-9.]+)' }],
        },
        hyperParameters,
        inputDataConfig: [channel('train'), channel('test')],
      });
      const job = await waitForEnd(slipway.client(), name);
      assert.equal(job.trainingJobStatus, 'Completed', job.failureReason);
      const accuracy = job.finalMetricDataList[0].value;
      assert.ok(accuracy >= 0.85, `validation accuracy ${accuracy}`);

      await slipway.client().post(`/api/v1/training-jobs/${name}/deploy`, { endpointName: name });
      await waitForEndpoint(slipway.client(), name);
      const rows = readFileSync(data.test, 'utf8').trim().split('\n').slice(1, 11);
      const features = rows.map((row) => row.split(',').slice(1).join(','));
      const answer = await invoke(slipway.url, slipway.adminToken, name, `${features.join('\n')}\n`);
      assert.equal(answer.status, 200, answer.text);
      const predictions = JSON.parse(answer.text).predictions as Array<{
        label: string;
        probabilities: number[];
      }>;
      assert.equal(predictions.length, 10);
      const correct = predictions.filter((p, i) => p.label === rows[i]!.split(',')[0]).length;
      assert.ok(correct >= 8, `${correct} of 10 correct`);
      for (const p of predictions) assert.ok(Math.abs(p.probabilities[0]! + p.probabilities[1]! - 1) < 1e-4);

      const bad = await invoke(
        slipway.url,
        slipway.adminToken,
        name,
        'Adelie,Torgersen,39.1,18.7,181\nGentoo,Biscoe,x,1,2,3\n',
      );
      assert.equal(bad.status, 400);
      assert.match(JSON.parse(bad.text).message, /row 1: expected 6 values, got 5/);
      assert.equal((await invoke(slipway.url, slipway.adminToken, name, `${features[0]}\n`)).status, 200);
    });
  }

  test('a test channel is scored after training, and a built-in records its metrics unasked', async () => {
    const name = 'penguins-linear-test-channel';
    await slipway.client().post('/api/v1/training-jobs', {
      trainingJobName: name,
      algorithmSpecification: { algorithmName: 'linear-learner' },
      hyperParameters: { predictor_type: 'binary_classifier', label: 'sex' },
      inputDataConfig: [channel('train'), { ...channel('test'), channelName: 'test' }],
    });
    const job = await waitForEnd(slipway.client(), name);
    assert.equal(job.trainingJobStatus, 'Completed', job.failureReason);
    const metrics = Object.fromEntries(
      job.finalMetricDataList.map((m: { metricName: string; value: number }) => [m.metricName, m.value]),
    );
    assert.ok(metrics['test:accuracy'] >= 0.85, `test accuracy ${metrics['test:accuracy']}`);
    assert.ok(metrics['test:auc'] > 0.9, `test auc ${metrics['test:auc']}`);
    assert.ok('train:accuracy' in metrics, 'training metrics are recorded too');
    assert.ok(
      job.algorithmSpecification.metricDefinitions.some((d: { name: string }) => d.name === 'test:log_loss'),
      'the job shows the definitions it was given',
    );
  });

  test('the Open Inference Protocol on the same endpoint: metadata, readiness and tensors in', async () => {
    const name = 'penguins-linear-learner';
    const headers = { authorization: `Bearer ${slipway.adminToken}` };
    const metadata = (await (await fetch(`${slipway.url}/v2/models/${name}`, { headers })).json()) as Record<
      string,
      any
    >;
    assert.deepEqual(
      metadata.inputs.map((i: { name: string; datatype: string }) => [i.name, i.datatype]),
      [
        ['numeric', 'FP32'],
        ['categorical', 'BYTES'],
      ],
    );
    assert.equal((await fetch(`${slipway.url}/v2/models/${name}/ready`, { headers })).status, 200);
    assert.equal((await fetch(`${slipway.url}/v2/health/live`)).status, 200);
    const infer = await fetch(`${slipway.url}/v2/models/${name}/infer`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        inputs: [
          { name: 'numeric', shape: [1, 4], datatype: 'FP32', data: [[50.0, 15.2, 218, 5700]] },
          { name: 'categorical', shape: [1, 2], datatype: 'BYTES', data: ['Gentoo', 'Biscoe'] },
        ],
      }),
    });
    const result = (await infer.json()) as Record<string, any>;
    assert.equal(infer.status, 200, JSON.stringify(result));
    const label = result.outputs.find((o: { name: string }) => o.name === 'label');
    assert.deepEqual(label.data, ['male']);
    const wrong = await fetch(`${slipway.url}/v2/models/${name}/infer`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name: 'numeric', shape: [1, 4], datatype: 'FP32', data: [1, 2] }] }),
    });
    assert.equal(wrong.status, 400);
    assert.match(
      ((await wrong.json()) as { error: string }).error,
      /inputs\[0\]\.data: shape \[1,4\] needs 4 values, got 2/,
    );
    // Malformed tensors are 400s naming the field, checked against the model's own inputs.
    const numeric = { name: 'numeric', shape: [1, 4], datatype: 'FP32', data: [50.0, 15.2, 218, 5700] };
    const categorical = { name: 'categorical', shape: [1, 2], datatype: 'BYTES', data: ['Gentoo', 'Biscoe'] };
    const malformed: Array<[body: unknown, error: RegExp]> = [
      [{ inputs: [{ ...numeric, name: 'nope' }, categorical] }, /inputs\[0\]\.name: "nope" is not an input/],
      [{ inputs: [numeric, numeric, categorical] }, /inputs\[1\]\.name: "numeric" is given twice/],
      [{ inputs: [numeric] }, /inputs: the model also needs categorical/],
      [
        { inputs: [{ ...numeric, datatype: 'BYTES', data: ['a', 'b', 'c', 'd'] }, categorical] },
        /inputs\[0\]\.datatype/,
      ],
      [{ inputs: [numeric, { ...categorical, data: [1, 2] }] }, /inputs\[1\]\.data\[0\]: must be a string/],
      [
        { inputs: [{ ...numeric, data: [1, 'x', 3, 4] }, categorical] },
        /inputs\[0\]\.data\[1\]: must be a finite number/,
      ],
      [
        { inputs: [{ ...numeric, shape: [1, 3], data: [1, 2, 3] }, categorical] },
        /inputs\[0\]\.shape: the model's input/,
      ],
      [
        { inputs: [{ ...numeric, name: '__proto__' }, categorical] },
        /inputs\[0\]\.name: "__proto__" is not an input/,
      ],
      [{ inputs: [numeric, categorical], outputs: [null] }, /outputs\[0\]\.name: must be a string/],
      [
        { inputs: [numeric, categorical], outputs: [{ name: 'nope' }] },
        /outputs\[0\]\.name: "nope" is not an output/,
      ],
      [{ inputs: [null] }, /inputs\[0\]: must be an object/],
      [[], /must be a JSON object/],
    ];
    for (const [body, error] of malformed) {
      const answer = await fetch(`${slipway.url}/v2/models/${name}/infer`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await answer.text();
      assert.equal(answer.status, 400, `${JSON.stringify(body)} → ${text}`);
      assert.match((JSON.parse(text) as { error: string }).error, error);
    }
    const onlyLabel = await fetch(`${slipway.url}/v2/models/${name}/infer`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [numeric, categorical], outputs: [{ name: 'label' }] }),
    });
    const selected = (await onlyLabel.json()) as { outputs: Array<{ name: string }> };
    assert.deepEqual(
      selected.outputs.map((output) => output.name),
      ['label'],
    );
  });
});
