/**
 * Secrets in environments are write-only for viewers: a viewer's describe and list show that a
 * secret-looking variable is set but not its value; scientists and admins see what was written.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { maskEnvironmentSecrets, maskedValue } from '../../src/api/mask-secrets.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { tempFolder } from '../helpers/temp.ts';
import { folderWith, shellJob, waitForEnd } from '../helpers/training.ts';

describe('secret masking', () => {
  const work = tempFolder('slipway-masking-');
  let slipway: TestSlipway;
  let viewer: string;
  const environment = { AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI', DB_PASSWORD: 'hunter2', MODE: 'fast' };

  before(async () => {
    slipway = await startTestSlipway({
      config: { dataRoots: [`file://${work.path}`], allowProcessRuntime: true },
    });
    const code = folderWith(work.path, 'code', { 'train.sh': 'echo done\n' });
    await slipway
      .client()
      .post('/api/v1/training-jobs', { ...shellJob('with-secrets', { code }), environment });
    await waitForEnd(slipway.client(), 'with-secrets');
    viewer = (
      await slipway.client().post<{ token: string }>('/api/v1/tokens', { name: 'vic', role: 'viewer' })
    ).token;
  });
  after(async () => {
    await slipway.cleanup();
    work.cleanup();
  });

  test("a viewer's describe and list mask secret-looking values and keep the rest", async () => {
    const described = await slipway
      .client(viewer)
      .get<Record<string, any>>('/api/v1/training-jobs/with-secrets');
    assert.deepEqual(described.environment, {
      AWS_SECRET_ACCESS_KEY: maskedValue,
      DB_PASSWORD: maskedValue,
      MODE: 'fast',
    });
    const listed = await slipway
      .client(viewer)
      .get<{ items: Array<Record<string, any>> }>('/api/v1/training-jobs');
    const item = listed.items.find((job) => job.trainingJobName === 'with-secrets');
    assert.ok(item);
    assert.ok(!JSON.stringify(listed).includes('hunter2'), 'the list shows no secret value');
  });

  test('an admin sees what was written', async () => {
    const described = await slipway.client().get<Record<string, any>>('/api/v1/training-jobs/with-secrets');
    assert.deepEqual(described.environment, environment);
  });

  test('masking reaches Environment objects at any depth and leaves other values alone', () => {
    const answer = {
      primaryContainer: { Environment: { API_TOKEN: 't', REGION: 'eu' } },
      steps: [{ environment: { GITHUB_TOKEN: 'g' } }],
      token: 'not an environment',
    };
    assert.deepEqual(maskEnvironmentSecrets(answer), {
      primaryContainer: { Environment: { API_TOKEN: maskedValue, REGION: 'eu' } },
      steps: [{ environment: { GITHUB_TOKEN: maskedValue } }],
      token: 'not an environment',
    });
    const plain = { environment: { MODE: 'fast' } };
    assert.equal(maskEnvironmentSecrets(plain), plain);
  });
});
