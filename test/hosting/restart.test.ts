/**
 * A Slipway killed with SIGKILL while an endpoint serves: its model server would keep answering on
 * its port without auth, so the next Slipway on that home ends it, and serves the endpoint anew.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { processRunning } from '../../src/core/replica.ts';
import { SlipwayClient } from '../../src/sdk/client.ts';
import { startCliServer } from '../helpers/cli.ts';
import { invoke, waitForEndpoint } from '../helpers/hosting.ts';
import { tempFolder } from '../helpers/temp.ts';
import { folderWith } from '../helpers/training.ts';
import { waitFor } from '../helpers/wait.ts';

const work = tempFolder('slipway-hosting-restart-');
after(() => work.cleanup());
const server = join(import.meta.dirname, '..', 'fixtures', 'hosting', 'echo-model-server.mjs');

test('SIGKILL while serving, then restart: the orphaned model server is ended and a new one serves', async () => {
  const token = 'slw_hosting-restart-token-0123456789';
  const env = {
    SLIPWAY_HOME: join(work.path, 'home'),
    SLIPWAY_PORT: '0',
    SLIPWAY_LOG_LEVEL: 'warn',
    SLIPWAY_ADMIN_TOKEN: token,
  };
  const first = await startCliServer(env);
  const client = new SlipwayClient({ url: first.url, token });
  await client.post('/api/v1/models', {
    modelName: 'echo',
    primaryContainer: {
      command: [process.execPath, server],
      modelDataUrl: folderWith(work.path, 'model', { 'tag.txt': 'blue' }),
    },
  });
  await client.post('/api/v1/endpoint-configs', {
    endpointConfigName: 'echo-config',
    productionVariants: [{ variantName: 'blue', modelName: 'echo' }],
  });
  await client.post('/api/v1/endpoints', { endpointName: 'echo', endpointConfigName: 'echo-config' });
  await waitForEndpoint(client, 'echo');
  const before = await invoke(first.url, token, 'echo', '1,2\n');
  assert.equal(before.status, 200, before.text);
  const orphan = (JSON.parse(before.text) as { pid: number }).pid;

  first.child.kill('SIGKILL');
  await once(first.child, 'exit');
  assert.equal(processRunning(orphan), true, 'the model server outlived the Slipway that started it');

  const second = await startCliServer(env);
  try {
    await waitFor(() => !processRunning(orphan) || undefined, { what: 'the orphaned model server to end' });
    const again = new SlipwayClient({ url: second.url, token });
    await waitForEndpoint(again, 'echo');
    const after = await waitFor(async () => {
      const answer = await invoke(second.url, token, 'echo', '1,2\n');
      return answer.status === 200 ? answer : undefined;
    });
    assert.notEqual((JSON.parse(after.text) as { pid: number }).pid, orphan);
  } finally {
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');
  }
});
