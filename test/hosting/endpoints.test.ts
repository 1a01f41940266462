/**
 * Endpoints on the process runtime: a model server command (the inference contract), two variants
 * splitting traffic, pinning, malformed input, a killed instance, weights, capture, delete, restart.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Artifacts } from '../../src/artifacts/artifacts.ts';
import { processRunning } from '../../src/core/replica.ts';
import type { ServerBackend } from '../../src/inference/backends/server-backend.ts';
import { invoke, waitForEndpoint } from '../helpers/hosting.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { tempFolder } from '../helpers/temp.ts';
import { folderWith } from '../helpers/training.ts';
import { namesField, waitFor } from '../helpers/wait.ts';

const server = join(import.meta.dirname, '..', 'fixtures', 'hosting', 'echo-model-server.mjs');

describe('endpoints (model server on the process runtime)', () => {
  const work = tempFolder('slipway-endpoints-');
  const home = tempFolder('slipway-endpoints-home-');
  let slipway: TestSlipway;
  const capture = pathToFileURL(join(work.path, 'capture')).href;

  before(async () => {
    slipway = await startTestSlipway({ home: home.path });
    const client = slipway.client();
    for (const tag of ['blue', 'green']) {
      await client.post('/api/v1/models', {
        modelName: `echo-${tag}`,
        primaryContainer: {
          command: [process.execPath, server],
          modelDataUrl: folderWith(work.path, `model-${tag}`, { 'tag.txt': tag }),
        },
      });
    }
    await client.post('/api/v1/endpoint-configs', {
      endpointConfigName: 'echo-80-20',
      productionVariants: [
        { variantName: 'blue', modelName: 'echo-blue', initialVariantWeight: 0.8, initialInstanceCount: 2 },
        { variantName: 'green', modelName: 'echo-green', initialVariantWeight: 0.2 },
      ],
      dataCaptureConfig: {
        initialSamplingPercentage: 100,
        destinationS3Uri: capture,
        captureOptions: [{ captureMode: 'Input' }, { captureMode: 'Output' }],
        rotationSeconds: 1,
      },
    });
    await client.post('/api/v1/endpoints', { endpointName: 'echo', endpointConfigName: 'echo-80-20' });
  });
  after(async () => {
    await slipway.cleanup();
    work.cleanup();
    home.cleanup();
  });

  const call = (body: string, options: { variant?: string; contentType?: string } = {}) =>
    invoke(slipway.url, slipway.adminToken, 'echo', body, options);

  test('the endpoint comes InService with its variants, weights and healthy instances', async () => {
    const endpoint = await waitForEndpoint(slipway.client(), 'echo');
    const blue = endpoint.productionVariants.find((v: { variantName: string }) => v.variantName === 'blue');
    assert.equal(blue.currentWeight, 0.8);
    assert.equal(blue.currentInstanceCount, 2);
    assert.equal(blue.instances.length, 2);
    assert.ok(blue.instances.every((i: { status: string }) => i.status === 'Healthy'));
  });

  test('traffic splits 80/20 over 2,000 requests within a binomial tolerance', async () => {
    let blue = 0;
    const total = 2000;
    for (let batch = 0; batch < total / 50; batch++) {
      const results = await Promise.all(Array.from({ length: 50 }, () => call('1,2,3\n')));
      for (const result of results) {
        assert.equal(result.status, 200);
        const body = JSON.parse(result.text);
        assert.equal(body.tag, result.variant, 'the header names the variant that answered');
        if (result.variant === 'blue') blue++;
      }
    }
    // p = 0.8, n = 2000: sd = sqrt(n p (1 - p)) ≈ 17.9; 4.5 sd is a false-failure chance of about 1e-5.
    const sd = Math.sqrt(total * 0.8 * 0.2);
    assert.ok(Math.abs(blue - 1600) < 4.5 * sd, `blue got ${blue} of ${total}`);
  });

  test('a header pins the variant; an unknown variant is a 400 naming it', async () => {
    for (let i = 0; i < 20; i++) {
      const result = await call('1\n', { variant: 'green' });
      assert.equal(result.variant, 'green');
    }
    const unknown = await call('1\n', { variant: 'purple' });
    assert.equal(unknown.status, 400);
    assert.match(JSON.parse(unknown.text).message, /no variant "purple"/);
  });

  test('a row the model refuses is a 400 with its reason, and the endpoint keeps serving', async () => {
    const refused = await call('1,2\nbad,3\n', { variant: 'blue' });
    assert.equal(refused.status, 400);
    assert.match(JSON.parse(refused.text).message, /row 2: bad value/);
    assert.equal((await call('1,2\n')).status, 200);
  });

  test('a payload over 6 MB is refused with 413', async () => {
    const big = await call('x'.repeat(6 * 1024 * 1024 + 10));
    assert.equal(big.status, 413);
    assert.equal((await call('1\n')).status, 200);
  });

  test('a killed instance is replaced and the endpoint stays InService', async () => {
    const backend = slipway.platform.hosting.router.get('echo')!.variant('green')!.backend as ServerBackend;
    const [pid] = backend.pids();
    process.kill(pid!, 'SIGKILL');
    const endpoint = await waitFor(async () => {
      const described = await slipway.client().get<Record<string, any>>('/api/v1/endpoints/echo');
      const green = described.productionVariants.find(
        (v: { variantName: string }) => v.variantName === 'green',
      );
      return green.instances[0].restarts === 1 && green.instances[0].status === 'Healthy'
        ? described
        : undefined;
    });
    assert.equal(endpoint.endpointStatus, 'InService');
    const green = endpoint.productionVariants.find((v: { variantName: string }) => v.variantName === 'green');
    assert.match(green.instances[0].lastFailure, /exited/);
    const answer = JSON.parse((await call('1\n', { variant: 'green' })).text);
    assert.notEqual(answer.pid, pid);
    assert.equal(processRunning(pid!), false);
  });

  test('per-variant metrics appear on describe and at /metrics', async () => {
    const endpoint = await slipway.client().get<Record<string, any>>('/api/v1/endpoints/echo');
    const blue = endpoint.productionVariants.find((v: { variantName: string }) => v.variantName === 'blue');
    assert.ok(blue.metrics.invocations > 1000);
    assert.ok(blue.metrics.invocation4xxErrors >= 1);
    const metrics = await (await fetch(`${slipway.url}/metrics`)).text();
    assert.match(metrics, /slipway_endpoint_invocations_total\{endpoint="echo",variant="blue"\} \d+/);
    assert.match(
      metrics,
      /slipway_endpoint_model_latency_seconds_count\{endpoint="echo",variant="green"\} \d+/,
    );
  });

  test('captured requests are written in SageMaker’s capture format', async () => {
    const artifacts = new Artifacts({ defaultUrl: capture, s3Region: 'us-east-1' });
    const files = await waitFor(async () => {
      const listed = await artifacts.defaultStore.list('echo/green/');
      return listed.length > 0 ? listed : undefined;
    });
    assert.match(files[0]!.key, /^echo\/green\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/.+\.jsonl$/);
    const line = readFileSync(new URL(files[0]!.uri), 'utf8').trim().split('\n')[0]!;
    const record = JSON.parse(line);
    assert.deepEqual(Object.keys(record.captureData).sort(), ['endpointInput', 'endpointOutput']);
    assert.equal(record.captureData.endpointInput.observedContentType, 'text/csv');
    assert.equal(record.captureData.endpointInput.mode, 'INPUT');
    assert.equal(record.captureData.endpointInput.encoding, 'CSV');
    assert.equal(record.captureData.endpointOutput.encoding, 'JSON');
    assert.equal(JSON.parse(record.captureData.endpointOutput.data).tag, 'green');
    assert.match(record.eventMetadata.eventId, /^[0-9a-f-]{36}$/);
    assert.ok(Date.parse(record.eventMetadata.inferenceTime));
  });

  test('weights and instance counts change in place', async () => {
    const client = slipway.client();
    await assert.rejects(
      client.post('/api/v1/endpoints/echo/update-weights', {
        desiredWeightsAndCapacities: [{ variantName: 'nope', desiredWeight: 1 }],
      }),
      namesField('desiredWeightsAndCapacities[0].variantName'),
    );
    await client.post('/api/v1/endpoints/echo/update-weights', {
      desiredWeightsAndCapacities: [
        { variantName: 'blue', desiredWeight: 0, desiredInstanceCount: 1 },
        { variantName: 'green', desiredWeight: 1 },
      ],
    });
    await waitFor(async () => {
      const endpoint = await client.get<Record<string, any>>('/api/v1/endpoints/echo');
      const blue = endpoint.productionVariants.find((v: { variantName: string }) => v.variantName === 'blue');
      return (
        endpoint.endpointStatus === 'InService' && blue.currentWeight === 0 && blue.instances.length === 1
      );
    });
    for (let i = 0; i < 30; i++) assert.equal((await call('1\n')).variant, 'green');
  });

  test('a restarted Slipway brings the endpoint back InService', async () => {
    await slipway.stop();
    slipway = await startTestSlipway({ home: home.path });
    await waitFor(async () => (await call('1\n')).status === 200, { what: 'the endpoint to serve again' });
    const endpoint = await waitForEndpoint(slipway.client(), 'echo');
    const blue = endpoint.productionVariants.find((v: { variantName: string }) => v.variantName === 'blue');
    assert.equal(blue.currentWeight, 0, 'weights set before the restart are kept');
  });

  test('deleting the endpoint frees its workers; the model and config stay inspectable', async () => {
    const pids = slipway.platform.hosting.router
      .get('echo')!
      .variants.flatMap((v) => (v.backend as ServerBackend).pids());
    assert.ok(pids.length >= 2);
    await slipway.client().delete('/api/v1/endpoints/echo');
    await waitFor(async () => {
      try {
        await slipway.client().get('/api/v1/endpoints/echo');
        return false;
      } catch (error) {
        return (error as { kind?: string }).kind === 'not_found';
      }
    });
    await waitFor(() => pids.every((pid) => !processRunning(pid)), { what: 'workers to exit' });
    assert.equal((await call('1\n')).status, 404);
    assert.equal(
      (await slipway.client().get<{ modelName: string }>('/api/v1/models/echo-blue')).modelName,
      'echo-blue',
    );
    assert.equal(
      (await slipway.client().get<{ endpointConfigName: string }>('/api/v1/endpoint-configs/echo-80-20'))
        .endpointConfigName,
      'echo-80-20',
    );
  });

  test('bad specs are refused naming the field', async () => {
    const client = slipway.client();
    await assert.rejects(
      client.post('/api/v1/endpoint-configs', {
        endpointConfigName: 'x',
        productionVariants: [{ variantName: 'a', modelName: 'missing' }],
      }),
      namesField('productionVariants[0].modelName'),
    );
    await assert.rejects(
      client.post('/api/v1/endpoints', { endpointName: 'y', endpointConfigName: 'missing' }),
      namesField('endpointConfigName'),
    );
    await assert.rejects(client.post('/api/v1/models', { modelName: 'z', primaryContainer: {} }), {
      code: 'SLIPWAY_HOSTING_NO_MODEL_SOURCE',
    });
    await assert.rejects(
      client.post('/api/v1/models', {
        modelName: 'z',
        primaryContainer: { modelDataUrl: pathToFileURL(join(work.path, 'absent.tar.gz')).href },
      }),
      namesField('primaryContainer.modelDataUrl'),
    );
  });
});
