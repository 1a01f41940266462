/**
 * The first hour from TypeScript (JOURNEY.md, last paragraph): `new Estimator({...}).fit({ train,
 * test })`, `.deploy({ endpointName })`, `predictor.predict(rows)`.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { preparePenguins } from '../../examples/penguins/prepare.ts';
import { Estimator } from '../../src/sdk/estimator.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { tempFolder } from '../helpers/temp.ts';

const example = join(import.meta.dirname, '..', '..', 'examples', 'penguins');
let slipway: TestSlipway;
const work = tempFolder('slipway-estimator-');

before(async () => {
  slipway = await startTestSlipway();
  preparePenguins({ input: join(example, 'data', 'penguins.csv'), output: work.path });
});
after(async () => {
  await slipway.cleanup();
  work.cleanup();
});

test('fit, deploy and predict the penguins script in a few lines', async () => {
  const estimator = new Estimator({
    entryPoint: 'train.py',
    sourceDir: join(example, 'code'),
    hyperparameters: { C: 1.0 },
    metricDefinitions: [{ name: 'test:accuracy', regex: 'test:accuracy=([0-9.]+)' }],
    client: slipway.client(),
    pollMs: 100,
  });
  const job = await estimator.fit({ train: join(work.path, 'train'), test: join(work.path, 'test') });
  assert.equal(job.trainingJobStatus, 'Completed');
  assert.ok(job.finalMetricDataList[0].value >= 0.85);

  const predictor = await estimator.deploy({ endpointName: 'penguins-sdk' });
  const csv = (await predictor.predict([
    ['Gentoo', 'Biscoe', 50.0, 15.2, 218, 5700],
    ['Adelie', 'Dream', 36.0, 17.9, 190, 3450],
  ])) as { predictions: string[] };
  assert.deepEqual(csv.predictions, ['male', 'female']);
  const json = (await predictor.predict({
    instances: [
      {
        species: 'Gentoo',
        island: 'Biscoe',
        bill_length_mm: 50.0,
        bill_depth_mm: 15.2,
        flipper_length_mm: 218,
        body_mass_g: 5700,
      },
    ],
  })) as { predictions: string[] };
  assert.deepEqual(json.predictions, ['male']);

  await assert.rejects(
    estimator.deploy({ endpointName: 'penguins-sdk' }),
    /endpoint penguins-sdk already exists; pass updateEndpoint: true/,
    'a second deploy to the same name is refused, as SageMaker’s SDK refuses it',
  );
  const updated = await estimator.deploy({ endpointName: 'penguins-sdk', updateEndpoint: true });
  assert.deepEqual(
    ((await updated.predict([['Gentoo', 'Biscoe', 50.0, 15.2, 218, 5700]])) as { predictions: string[] })
      .predictions,
    ['male'],
  );
});

test('a failing fit throws with the job’s failure reason', async () => {
  const estimator = new Estimator({
    algorithm: 'gbdt',
    hyperparameters: { objective: 'binary:logistic', label: 'no_such_column' },
    client: slipway.client(),
    pollMs: 100,
  });
  await assert.rejects(estimator.fit({ train: join(work.path, 'train') }), /Failed: .*no_such_column/);
});
