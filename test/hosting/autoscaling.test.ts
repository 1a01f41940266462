/** Target-tracking autoscaling: out under a burst of real requests, back in after it. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { desiredInstances } from '../../src/hosting/autoscaler.ts';
import { invoke, waitForEndpoint } from '../helpers/hosting.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { tempFolder } from '../helpers/temp.ts';
import { folderWith } from '../helpers/training.ts';
import { waitFor } from '../helpers/wait.ts';

const server = join(import.meta.dirname, '..', 'fixtures', 'hosting', 'echo-model-server.mjs');
const spec = { minInstanceCount: 1, maxInstanceCount: 3, targetInvocationsPerInstance: 60 };

test('desired instances: target tracking, clamped, scaling in one step at a time', () => {
  assert.equal(desiredInstances({ current: 1, invocationsPerMinute: 150, spec }), 3);
  assert.equal(
    desiredInstances({ current: 1, invocationsPerMinute: 6000, spec }),
    3,
    'clamped to the maximum',
  );
  assert.equal(desiredInstances({ current: 2, invocationsPerMinute: 100, spec }), 2, 'on target');
  assert.equal(desiredInstances({ current: 3, invocationsPerMinute: 0, spec }), 2, 'in by one step');
  assert.equal(desiredInstances({ current: 1, invocationsPerMinute: 0, spec }), 1, 'never below the minimum');
});

describe('autoscaling an endpoint', () => {
  const work = tempFolder('slipway-autoscaling-');
  let slipway: TestSlipway;

  before(async () => {
    slipway = await startTestSlipway();
    const client = slipway.client();
    await client.post('/api/v1/models', {
      modelName: 'echo',
      primaryContainer: {
        command: [process.execPath, server],
        modelDataUrl: folderWith(work.path, 'model', { 'tag.txt': 'scaled' }),
      },
    });
    await client.post('/api/v1/endpoint-configs', {
      endpointConfigName: 'scaling',
      productionVariants: [
        {
          variantName: 'main',
          modelName: 'echo',
          autoScaling: {
            ...spec,
            evaluationPeriodSeconds: 1,
            scaleOutCooldownSeconds: 0,
            scaleInCooldownSeconds: 0,
          },
        },
      ],
    });
    await client.post('/api/v1/endpoints', { endpointName: 'scaling', endpointConfigName: 'scaling' });
    await waitForEndpoint(client, 'scaling');
  });
  after(async () => {
    await slipway.cleanup();
    work.cleanup();
  });

  const instanceCount = async () => {
    const endpoint = await slipway.client().get<Record<string, any>>('/api/v1/endpoints/scaling');
    return endpoint.productionVariants[0].instances.filter((i: { status: string }) => i.status === 'Healthy')
      .length as number;
  };

  test('a burst scales out to the maximum; when it ends, the variant scales back in', async () => {
    let burst = true;
    const load = (async () => {
      // Bounded: at most 60 s of requests on loopback, ended as soon as the scale-out is seen.
      const deadline = Date.now() + 60_000;
      while (burst && Date.now() < deadline) {
        await Promise.all(
          Array.from({ length: 20 }, () => invoke(slipway.url, slipway.adminToken, 'scaling', '1\n')),
        );
      }
    })();
    await waitFor(async () => (await instanceCount()) === 3, { timeoutMs: 60_000, what: 'scale-out to 3' });
    burst = false;
    await load;
    await waitFor(async () => (await instanceCount()) === 1, { timeoutMs: 60_000, what: 'scale-in to 1' });

    const { items } = await slipway
      .client()
      .get<{ items: Array<{ type: string; detail: any }> }>('/api/v1/events', {
        resource: 'endpoint/scaling',
        type: 'endpoint.scaled-*',
      });
    const outs = items.filter((e) => e.type === 'endpoint.scaled-out');
    const ins = items.filter((e) => e.type === 'endpoint.scaled-in');
    assert.ok(outs.length >= 1 && ins.length >= 1);
    assert.equal(outs.at(-1)!.detail.to, 3);
    assert.match(outs[0]!.detail.reason, /invocations\/min on 1 instance\(s\) against a target of 60/);
    assert.equal(ins.at(-1)!.detail.to, 1);
    const endpoint = await slipway.client().get<Record<string, any>>('/api/v1/endpoints/scaling');
    assert.equal(endpoint.endpointStatus, 'InService');
    assert.equal(endpoint.lastScaling.main.to, 1);
  });
});
