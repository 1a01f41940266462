/** An endpoint whose model server runs in a container (the inference contract at /opt/ml), on a real Docker engine. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { testEngine, tinyImage } from '../helpers/docker.ts';
import { invoke, waitForEndpoint } from '../helpers/hosting.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { waitFor } from '../helpers/wait.ts';

const engine = await testEngine();
const modelFolder = pathToFileURL(join(import.meta.dirname, '..', 'fixtures', 'hosting', 'sh-model')).href;

describe('endpoints (model server in a container)', { skip: engine.skip }, () => {
  let slipway: TestSlipway;

  before(async () => {
    slipway = await startTestSlipway();
    const client = slipway.client();
    await client.post('/api/v1/models', {
      modelName: 'in-a-box',
      primaryContainer: {
        image: tinyImage,
        command: ['sh', '/opt/ml/model/serve.sh'],
        modelDataUrl: modelFolder,
      },
    });
    await client.post('/api/v1/endpoint-configs', {
      endpointConfigName: 'in-a-box',
      productionVariants: [{ variantName: 'AllTraffic', modelName: 'in-a-box' }],
    });
    await client.post('/api/v1/endpoints', { endpointName: 'in-a-box', endpointConfigName: 'in-a-box' });
  });
  after(() => slipway.cleanup());

  test('the container answers through the endpoint with the model it was given at /opt/ml/model', async () => {
    await waitForEndpoint(slipway.client(), 'in-a-box');
    const answer = await invoke(slipway.url, slipway.adminToken, 'in-a-box', '1,2,3');
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(JSON.parse(answer.text), { tag: 'from-a-container', bytes: 5 });
  });

  test('a killed container is replaced and the endpoint keeps serving', async () => {
    const containers = await engine.docker.listContainers({ filters: { name: ['slipway-serve-'] } });
    assert.ok(containers.length >= 1);
    await engine.docker.getContainer(containers[0]!.Id).kill();
    await waitFor(async () => {
      const endpoint = await slipway.client().get<Record<string, any>>('/api/v1/endpoints/in-a-box');
      const instance = endpoint.productionVariants[0].instances[0];
      return instance.restarts >= 1 && instance.status === 'Healthy';
    });
    const answer = await invoke(slipway.url, slipway.adminToken, 'in-a-box', 'x\n');
    assert.equal(answer.status, 200);
  });
});
