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
});
