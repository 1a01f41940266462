/**
 * In team mode a scientist's code never runs on the host: a script-mode job runs in `teamImage`
 * (seeing its job folder and its own environment only), and without a team image it is refused,
 * naming the field. An admin's explicit `allowProcessRuntime` brings the host back.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { isSlipwayError } from '../../src/core/errors.ts';
import { testEngine, tinyImage } from '../helpers/docker.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { tempFolder } from '../helpers/temp.ts';
import { folderWith, shellJob, waitForEnd } from '../helpers/training.ts';

const engine = await testEngine();
const work = tempFolder('slipway-team-runtime-');
const dataRoot = () => pathToFileURL(work.path).href;
after(() => work.cleanup());

async function teamServer(
  config: Record<string, unknown>,
): Promise<{ slipway: TestSlipway; scientist: string }> {
  const slipway = await startTestSlipway({ config: { dataRoots: [dataRoot()], ...config } });
  const { token } = await slipway
    .client()
    .post<{ token: string }>('/api/v1/tokens', { name: 'sam', role: 'scientist' });
  return { slipway, scientist: token };
}

async function fieldRefused(request: Promise<unknown>): Promise<string> {
  try {
    await request;
  } catch (error) {
    assert.ok(isSlipwayError(error) && error.kind === 'validation', String(error));
    assert.match(error.message, /team mode runs user code in a container/);
    return String(error.details.field);
  }
  assert.fail('the request was accepted');
}

describe('team mode without a team image', () => {
  let slipway: TestSlipway;
  let scientist: string;
  before(async () => {
    ({ slipway, scientist } = await teamServer({}));
  });
  after(() => slipway.cleanup());

  it('refuses script mode, a bare command and a host-served Python handler, naming the field', async () => {
    const client = slipway.client(scientist);
    const code = folderWith(work.path, 'code-refused', { 'train.sh': 'echo hi\n' });
    assert.equal(
      await fieldRefused(client.post('/api/v1/training-jobs', shellJob('on-host', { code }))),
      'algorithmSpecification.trainingImage',
    );
    assert.equal(
      await fieldRefused(
        client.post('/api/v1/models', {
          modelName: 'cmd',
          primaryContainer: { command: ['/bin/sh', '-c', 'id'] },
        }),
      ),
      'primaryContainer.image',
    );
    const model = folderWith(work.path, 'model', { 'model.tar.gz': 'x' });
    assert.equal(
      await fieldRefused(
        client.post('/api/v1/models', {
          modelName: 'py',
          primaryContainer: {
            modelDataUrl: `${model}/model.tar.gz`,
            environment: { SAGEMAKER_PROGRAM: 'inference.py' },
          },
        }),
      ),
      'primaryContainer.environment.SAGEMAKER_PROGRAM',
    );
    const status = await client.status();
    assert.equal(status.trustMode.processRuntime, 'refused');
  });

  it('still runs built-in algorithms, which are Slipway’s own code', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i % 2},${(i % 2) * 3 + (i % 5) / 10},${i % 7}`);
    const train = folderWith(work.path, 'builtin-train', { 'train.csv': ['y,a,b', ...rows].join('\n') });
    const client = slipway.client(scientist);
    await client.post('/api/v1/training-jobs', {
      trainingJobName: 'builtin',
      algorithmSpecification: { algorithmName: 'linear-learner' },
      hyperParameters: { predictor_type: 'binary_classifier', label: 'y' },
      inputDataConfig: [{ channelName: 'train', dataSource: { s3DataSource: { s3Uri: train } } }],
    });
    const job = await waitForEnd(client, 'builtin');
    assert.equal(job.trainingJobStatus, 'Completed', job.failureReason);
    assert.equal(job.algorithmSpecification.trainingImage, undefined);
  });
});

describe('team mode with an admin’s allowProcessRuntime', () => {
  let slipway: TestSlipway;
  let scientist: string;
  before(async () => {
    ({ slipway, scientist } = await teamServer({ allowProcessRuntime: true }));
  });
  after(() => slipway.cleanup());

  it('runs script mode on the host, and status says so', async () => {
    const client = slipway.client(scientist);
    const code = folderWith(work.path, 'code-host', { 'train.sh': 'echo on-the-host\n' });
    await client.post('/api/v1/training-jobs', shellJob('allowed-host', { code }));
    const job = await waitForEnd(client, 'allowed-host');
    assert.equal(job.trainingJobStatus, 'Completed', job.failureReason);
    assert.equal(job.runtime, 'process');
    assert.equal((await client.status()).trustMode.processRuntime, 'allowed');
  });
});

describe('team mode with a team image', { skip: engine.skip }, () => {
  let slipway: TestSlipway;
  let scientist: string;
  before(async () => {
    ({ slipway, scientist } = await teamServer({ teamImage: tinyImage }));
  });
  after(() => slipway.cleanup());

  it('runs the same script-mode job in the image, away from the host’s files and environment', async () => {
    const client = slipway.client(scientist);
    const code = folderWith(work.path, 'code-team', {
      'train.sh': [
        'echo "inside: $(cat /opt/ml/input/config/hyperparameters.json)"',
        `[ -e ${join(work.path, 'code-team')} ] && echo HOST-FILES-VISIBLE`,
        'env | grep -q SLIPWAY_TEST_DATABASE_URL && echo HOST-ENV-VISIBLE',
        'echo done',
      ].join('\n'),
    });
    process.env.SLIPWAY_TEST_DATABASE_URL ??= 'set-for-this-test';
    await client.post('/api/v1/training-jobs', shellJob('in-team-image', { code }));
    const job = await waitForEnd(client, 'in-team-image');
    assert.equal(job.trainingJobStatus, 'Completed', job.failureReason);
    assert.equal(job.runtime, 'docker');
    assert.equal(job.algorithmSpecification.trainingImage, tinyImage);
    const logs = await (
      await fetch(`${slipway.url}/api/v1/training-jobs/in-team-image/logs`, {
        headers: { authorization: `Bearer ${scientist}` },
      })
    ).text();
    assert.match(logs, /inside: \{/);
    assert.match(logs, /done/);
    assert.doesNotMatch(logs, /HOST-FILES-VISIBLE|HOST-ENV-VISIBLE/);
  });
});
