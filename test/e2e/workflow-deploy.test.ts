/**
 * The reference pipeline end to end, written with the SDK: prepare the data → train → create a
 * model → deploy an endpoint, each step with Retry and a Catch to a Fail state; then the endpoint
 * it deployed answers.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import pipeline from '../../examples/pipelines/penguins/pipeline.ts';
import { runCli } from '../helpers/cli.ts';
import { invoke } from '../helpers/hosting.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { tempFolder } from '../helpers/temp.ts';
import { waitFor } from '../helpers/wait.ts';

const root = join(import.meta.dirname, '..', '..');
const example = join(root, 'examples', 'pipelines', 'penguins');
let slipway: TestSlipway;
const work = tempFolder('slipway-pipeline-');

before(async () => {
  slipway = await startTestSlipway();
  await slipway.client().post('/api/v1/functions', {
    name: 'prepare-penguins',
    module: join(example, 'functions', 'prepare.ts'),
  });
});
after(async () => {
  await slipway.cleanup();
  work.cleanup();
});

test('every task state has a Retry and a Catch to the Fail state', () => {
  const definition = pipeline.definition() as { States: Record<string, any> };
  const tasks = Object.entries(definition.States).filter(([, s]) => s.Type === 'Task');
  assert.deepEqual(
    tasks.map(([name]) => name),
    ['Prepare', 'Train', 'CreateModel', 'CreateEndpointConfig', 'Deploy'],
  );
  for (const [, task] of tasks) {
    assert.ok(task.Retry?.length >= 1);
    assert.equal(task.Catch[0].Next, 'PipelineFailed');
  }
  assert.equal(definition.States.Deploy.Resource, 'arn:aws:states:::sagemaker:createEndpoint.sync');
});

test('prepare → train → create model → deploy runs end to end and the endpoint serves', async () => {
  const env = { SLIPWAY_URL: slipway.url, SLIPWAY_TOKEN: slipway.adminToken, NO_COLOR: '1' };
  const deployed = await runCli(['workflows', 'deploy', join(example, 'pipeline.ts')], env);
  assert.equal(deployed.code, 0, deployed.stderr);
  const input = {
    RunId: 'penguins-run-1',
    RawDataUri: pathToFileURL(join(root, 'examples', 'penguins', 'data', 'penguins.csv')).href,
    WorkUri: pathToFileURL(join(work.path, 'prepared')).href,
    EndpointName: 'penguins-live',
  };
  await slipway
    .client()
    .post('/api/v1/workflows/penguins-deploy/executions', { name: 'deploy-1', input: JSON.stringify(input) });
  const execution = await waitFor(
    async () => {
      const described = await slipway.client().get<Record<string, any>>('/api/v1/executions/deploy-1');
      return described.status !== 'RUNNING' ? described : undefined;
    },
    { timeoutMs: 120_000, what: 'the pipeline to end' },
  );
  assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
  const output = JSON.parse(execution.output);
  assert.ok(output.data.rows > 300);
  assert.ok(output.train.accuracy >= 0.85);
  assert.equal(output.endpoint.status, 'InService');

  const answer = await invoke(
    slipway.url,
    slipway.adminToken,
    'penguins-live',
    'Gentoo,Biscoe,50.0,15.2,218,5700\n',
  );
  assert.equal(answer.status, 200, answer.text);
  assert.deepEqual(JSON.parse(answer.text).predictions, ['male']);
});
