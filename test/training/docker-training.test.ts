/** Training jobs in containers: the same contract at the real /opt/ml paths, on a real Docker engine. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe as suite, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Artifacts } from '../../src/artifacts/artifacts.ts';
import { unpackTo } from '../../src/artifacts/tarball.ts';
import { testEngine, tinyImage } from '../helpers/docker.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { tempFolder } from '../helpers/temp.ts';
import { folderWith, waitForEnd, waitForStatus } from '../helpers/training.ts';

const engine = await testEngine();

suite('training jobs (docker runtime)', { skip: engine.skip }, () => {
  let slipway: TestSlipway;
  const work = tempFolder('slipway-docker-training-');
  let train: string;

  before(async () => {
    slipway = await startTestSlipway({ config: { stopGraceSeconds: 2 } });
    train = folderWith(work.path, 'train', { 'data.csv': '1,2\n3,4\n5,6\n' });
  });
  after(async () => {
    await slipway.cleanup();
    work.cleanup();
  });

  const create = (spec: unknown) => slipway.client().post<Record<string, any>>('/api/v1/training-jobs', spec);

  test('script mode in an image: /opt/ml paths, SM_* variables, hyperparameters as arguments, model.tar.gz', async () => {
    const code = folderWith(work.path, 'code', {
      'train.sh': [
        'echo "args: $*"',
        'echo "rows=$(cat /opt/ml/input/data/train/data.csv | wc -l)"',
        'echo "loss=0.25"',
        'cat /opt/ml/input/config/hyperparameters.json > "$SM_MODEL_DIR/hps.json"',
        'echo "$SM_CHANNEL_TRAIN $SM_MODEL_DIR $PWD" > "$SM_MODEL_DIR/paths.txt"',
      ].join('\n'),
    });
    await create({
      trainingJobName: 'in-a-container',
      algorithmSpecification: {
        trainingImage: tinyImage,
        metricDefinitions: [{ name: 'loss', regex: 'loss=([0-9.]+)' }],
      },
      hyperParameters: { sagemaker_program: 'train.sh', sagemaker_submit_directory: code, epochs: '4' },
      inputDataConfig: [{ channelName: 'train', dataSource: { s3DataSource: { s3Uri: train } } }],
      resourceConfig: { cpus: 1, memoryMb: 256 },
    });
    const job = await waitForEnd(slipway.client(), 'in-a-container');
    assert.equal(job.trainingJobStatus, 'Completed', job.failureReason);
    assert.equal(job.runtime, 'docker');
    assert.deepEqual(
      job.finalMetricDataList.map((m: { value: number }) => m.value),
      [0.25],
    );
    const model = tempFolder();
    try {
      const artifacts = new Artifacts({ defaultUrl: pathToFileURL(work.path).href, s3Region: 'us-east-1' });
      const { store, key } = artifacts.resolve(job.modelArtifacts.s3ModelArtifacts);
      await unpackTo(await store.get(key), model.path);
      assert.equal(
        readFileSync(join(model.path, 'paths.txt'), 'utf8').trim(),
        '/opt/ml/input/data/train /opt/ml/model /opt/ml/code',
      );
      assert.equal(JSON.parse(readFileSync(join(model.path, 'hps.json'), 'utf8')).epochs, '4');
    } finally {
      model.cleanup();
    }
    const logs = await (
      await fetch(`${slipway.url}/api/v1/training-jobs/in-a-container/logs`, {
        headers: { authorization: `Bearer ${slipway.adminToken}` },
      })
    ).text();
    assert.match(logs, /args: --epochs 4/);
    assert.match(logs, /rows=3/);
  });

  test('a container that fails: the failure file is the reason', async () => {
    await create({
      trainingJobName: 'container-fails',
      algorithmSpecification: {
        trainingImage: tinyImage,
        containerEntrypoint: ['sh', '-c', 'echo "bad input shape" > /opt/ml/output/failure; exit 1'],
      },
    });
    const job = await waitForEnd(slipway.client(), 'container-fails');
    assert.equal(job.trainingJobStatus, 'Failed');
    assert.equal(job.failureReason, 'AlgorithmError: bad input shape');
  });

  test('stop a running container', async () => {
    await create({
      trainingJobName: 'container-stop',
      algorithmSpecification: {
        trainingImage: tinyImage,
        containerEntrypoint: ['sh', '-c', 'echo up; while true; do sleep 1; done'],
      },
    });
    await waitForStatus(
      slipway.client(),
      'container-stop',
      (job) => job.secondaryStatus === 'Training',
      'Training',
    );
    await slipway.client().post('/api/v1/training-jobs/container-stop/stop');
    const job = await waitForEnd(slipway.client(), 'container-stop');
    assert.equal(job.trainingJobStatus, 'Stopped');
  });

  test('an image that does not exist locally fails the job with a clear reason', async () => {
    await create({
      trainingJobName: 'no-such-image',
      algorithmSpecification: { trainingImage: 'slipway-test/nope:1' },
    });
    const job = await waitForEnd(slipway.client(), 'no-such-image');
    assert.equal(job.trainingJobStatus, 'Failed');
    assert.match(job.failureReason, /slipway-test\/nope:1/);
  });
});
