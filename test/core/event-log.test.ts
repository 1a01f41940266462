/** The server's log has one line per state change, with the reason when there is one. */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { loadConfig } from '../../src/core/config.ts';
import { createLogger } from '../../src/core/logging.ts';
import { startSlipway } from '../../src/server.ts';
import { tempFolder } from '../helpers/temp.ts';
import { waitFor } from '../helpers/wait.ts';

test('a workflow execution that fails is logged when it starts and when it ends, with its error', async () => {
  const home = tempFolder('slipway-event-log-');
  const stream = new PassThrough();
  const lines: Array<Record<string, any>> = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  const config = loadConfig({ env: {}, overrides: { home: home.path, port: 0, authEnabled: false } });
  const running = await startSlipway(config, { logger: createLogger('info', stream) });
  try {
    const post = (path: string, body: unknown) =>
      fetch(`${running.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    await post('/api/v1/workflows', {
      name: 'logged',
      definition: {
        StartAt: 'No',
        States: { No: { Type: 'Fail', Error: 'Is.Logged', Cause: 'on purpose' } },
      },
    });
    await post('/api/v1/executions', { workflowName: 'logged', name: 'logged-1', input: '{}' });
    const failed = await waitFor(() => lines.find((l) => l.event === 'execution.failed'), {
      what: 'the failure line',
    });
    assert.equal(failed.resource, 'execution/logged-1');
    assert.equal(failed.msg, 'execution/logged-1 failed');
    assert.equal(failed.error, 'Is.Logged');
    assert.ok(lines.some((l) => l.event === 'execution.started' && l.resource === 'execution/logged-1'));
  } finally {
    await running.close();
    home.cleanup();
  }
});
