/** `slipway functions` as an admin types it, against a real server; a workflow then calls the function. */
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { tempFolder } from '../helpers/temp.ts';

describe('slipway functions', () => {
  let slipway: TestSlipway;
  let env: NodeJS.ProcessEnv;
  const work = tempFolder('slipway-functions-cli-');

  before(async () => {
    slipway = await startTestSlipway();
    env = { SLIPWAY_URL: slipway.url, SLIPWAY_TOKEN: slipway.adminToken };
  });
  after(async () => {
    await slipway.cleanup();
    work.cleanup();
  });

  test('create, list, describe and delete a function; a workflow calls it', async () => {
    const module = join(work.path, 'double.mjs');
    writeFileSync(
      module,
      'export const handler = async (event) => ({ doubled: event.n * 2, by: process.env.BY });\n',
    );
    const created = await runCli(
      ['functions', 'create', 'double', '--module', module, '--env', 'BY=cli', '--timeout-seconds', '30'],
      env,
    );
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /registered function double/);

    const script = join(work.path, 'echo.sh');
    writeFileSync(script, '#!/bin/sh\ncat\n');
    chmodSync(script, 0o755);
    assert.equal((await runCli(['functions', 'create', 'echo', '--command', script], env)).code, 0);

    const listed = await runCli(['functions', 'list'], env);
    assert.match(listed.stdout, /^NAME\s+RUNS\s+TIMEOUT\s+CREATION-TIME$/m);
    assert.match(listed.stdout, new RegExp(`^double\\s+${module.replace(/[.]/g, '\\.')}\\s+30s`, 'm'));
    assert.match(listed.stdout, /^echo\s+\S*echo\.sh\s+300s/m);
    const described = await runCli(['functions', 'describe', 'double'], env);
    assert.match(described.stdout, /^environment:\n {2}BY: cli$/m);

    const definition = {
      StartAt: 'Double',
      States: {
        Double: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Arguments: { FunctionName: 'double', Payload: { n: 21 } },
          Output: '{% $states.result.Payload %}',
          End: true,
        },
      },
      QueryLanguage: 'JSONata',
    };
    await slipway
      .client()
      .post('/api/v1/workflows', { name: 'doubler', definition: JSON.stringify(definition) });
    const run = await runCli(
      ['workflows', 'start', 'doubler', '--input', '{}', '--watch', '--timeout', '60'],
      env,
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const executions = await slipway.client().get<{ items: Array<{ name: string }> }>('/api/v1/executions');
    const execution = await slipway
      .client()
      .get<{ output: string }>(`/api/v1/executions/${executions.items[0]!.name}`);
    assert.deepEqual(JSON.parse(execution.output), { doubled: 42, by: 'cli' });

    const deleted = await runCli(['functions', 'delete', 'echo'], env);
    assert.match(deleted.stdout, /deleted function echo/);
    const missing = await runCli(['functions', 'describe', 'echo'], env);
    assert.equal(missing.code, 1);
  });

  test('bad flags are usage errors; a scientist cannot register a function', async () => {
    const neither = await runCli(['functions', 'create', 'x'], env);
    assert.equal(neither.code, 2);
    assert.match(neither.stderr, /--module: give exactly one of --module or --command/);
    const badTimeout = await runCli(
      ['functions', 'create', 'x', '--command', 'cat', '--timeout-seconds', 'long'],
      env,
    );
    assert.equal(badTimeout.code, 2);
    assert.match(badTimeout.stderr, /--timeout-seconds: "long" is not a whole number/);

    const token = await slipway
      .client()
      .post<{ token: string }>('/api/v1/tokens', { name: 'sci', role: 'scientist' });
    const denied = await runCli(['functions', 'create', 'x', '--command', 'cat'], {
      ...env,
      SLIPWAY_TOKEN: token.token,
    });
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /needs the admin role/);
  });
});
