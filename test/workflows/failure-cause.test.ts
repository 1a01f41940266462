/**
 * A failed execution says why wherever a human looks: the caught step's error and cause become the
 * execution's (the SDK's Catch → Fail pattern), and the CLI's list, describe and watch show them.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  Catch,
  Chain,
  failWithCaughtError,
  LambdaStep,
  Succeed,
  Workflow,
} from '../../src/workflows/sdk/index.ts';
import { runCli } from '../helpers/cli.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { type Described, waitForExecution } from './helpers.ts';

let slipway: TestSlipway;
before(async () => {
  slipway = await startTestSlipway();
});
after(() => slipway.cleanup());

test('a caught step failure is the execution error, and list, describe and watch show its cause', async () => {
  const client = slipway.client();
  const failed = failWithCaughtError();
  const prepare = new LambdaStep('Prepare', {
    functionName: 'prepare-missing',
    payload: { x: 1 },
  }).addCatch(new Catch({ errorEquals: ['States.ALL'], next: failed, resultPath: '$.error' }));
  const workflow = new Workflow({ name: 'says-why', definition: Chain.of(prepare, new Succeed('Done')) });
  await client.post('/api/v1/workflows', { name: 'says-why', definition: workflow.definition() });
  const started = await client.post<Described>('/api/v1/executions', {
    workflowName: 'says-why',
    name: 'why-1',
    input: '{}',
  });
  const end = await waitForExecution(client, started.name);
  assert.equal(end.status, 'FAILED');
  assert.notEqual(end.error, 'Pipeline.Failed', 'the execution carries the step’s own error name');
  assert.match(end.cause, /prepare-missing/, 'and its cause');

  const env = { SLIPWAY_URL: slipway.url, SLIPWAY_TOKEN: slipway.adminToken };
  const list = await runCli(['executions', 'list', '--workflow', 'says-why'], env);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /why-1.*FAILED.*prepare-missing/);

  const described = await runCli(['executions', 'describe', 'why-1'], env);
  assert.equal(described.code, 0, described.stderr);
  assert.match(described.stdout, /^cause: .*prepare-missing/m);
  assert.match(described.stdout, /^caught in Prepare: .*prepare-missing/m, described.stdout);
  const json = JSON.parse((await runCli(['--json', 'executions', 'describe', 'why-1'], env)).stdout);
  assert.deepEqual(
    json.failures.map((f: Described) => [f.state, f.status]),
    [
      ['Prepare', 'caught'],
      ['PipelineFailed', 'failed'],
    ],
  );

  const watched = await runCli(['executions', 'watch', 'why-1'], env);
  assert.notEqual(watched.code, 0, 'watching a failed execution does not exit 0');
  assert.match(watched.stdout, /↪ Prepare\s+caught\n\s+\S+: .*prepare-missing/);
  assert.doesNotMatch(watched.stdout, /✔ Prepare/, 'a caught step is not drawn as a success');
});
