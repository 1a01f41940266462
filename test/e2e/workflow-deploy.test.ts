/**
 * The reference pipeline end to end, written with the SDK: prepare the data → train → evaluate →
 * create a model → deploy an endpoint, or update it when it exists. It runs three times in a row —
 * twice by hand, then from a new-file trigger whose input template hands over the file — and each
 * run names its jobs after itself, so nothing collides and the endpoint follows the latest model.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import pipeline from '../../examples/pipelines/penguins/pipeline.ts';
import { runCli } from '../helpers/cli.ts';
import { invoke } from '../helpers/hosting.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { tempFolder } from '../helpers/temp.ts';
import { waitFor } from '../helpers/wait.ts';
import { historyOf } from '../workflows/helpers.ts';

const root = join(import.meta.dirname, '..', '..');
const example = join(root, 'examples', 'pipelines', 'penguins');
const rawData = join(root, 'examples', 'penguins', 'data', 'penguins.csv');
let slipway: TestSlipway;
const work = tempFolder('slipway-pipeline-');

before(async () => {
  slipway = await startTestSlipway();
});
after(async () => {
  await slipway.cleanup();
  work.cleanup();
});

test('every task state has a Retry and a Catch to the Fail state; Deploy falls back to UpdateEndpoint', () => {
  const definition = pipeline.definition() as { States: Record<string, any> };
  const tasks = Object.entries(definition.States).filter(([, s]) => s.Type === 'Task');
  assert.deepEqual(
    tasks.map(([name]) => name),
    ['Prepare', 'Train', 'Register', 'CreateModel', 'CreateEndpointConfig', 'Deploy', 'UpdateEndpoint'],
  );
  for (const [, task] of tasks) {
    assert.ok(task.Retry?.length >= 1);
    assert.equal(task.Catch.at(-1).Next, 'PipelineFailed');
  }
  assert.equal(definition.States.Deploy.Resource, 'arn:aws:states:::sagemaker:createEndpoint.sync');
  assert.deepEqual(definition.States.Deploy.Catch[0].ErrorEquals, ['SageMaker.ResourceInUse']);
  assert.equal(definition.States.Deploy.Catch[0].Next, 'UpdateEndpoint');
  assert.equal(definition.States.Train.Parameters['TrainingJobName.$'], '$$.Execution.Name');
});

async function waitForEnd(name: string) {
  return waitFor(
    async () => {
      const described = await slipway.client().get<Record<string, any>>(`/api/v1/executions/${name}`);
      return described.status !== 'RUNNING' ? described : undefined;
    },
    { timeoutMs: 180_000, what: `the pipeline run ${name} to end` },
  );
}

test('deploy registers its function; three runs in a row create, then update the endpoint', async () => {
  const env = { SLIPWAY_URL: slipway.url, SLIPWAY_TOKEN: slipway.adminToken, NO_COLOR: '1' };
  const deployed = await runCli(['workflows', 'deploy', join(example, 'pipeline.ts')], env);
  assert.equal(deployed.code, 0, deployed.stderr);
  assert.match(deployed.stdout, /penguins-deploy: created \(revision 1\); functions: prepare-penguins/);

  const input = {
    RawDataUri: pathToFileURL(rawData).href,
    WorkUri: pathToFileURL(join(work.path, 'prepared')).href,
    EndpointName: 'penguins-live',
    ModelPackageGroupName: 'penguins-candidates',
  };
  const client = slipway.client();
  await client.post('/api/v1/model-package-groups', { modelPackageGroupName: 'penguins-candidates' });
  const runs: string[] = [];
  for (const name of ['deploy-1', 'deploy-2']) {
    await client.post('/api/v1/workflows/penguins-deploy/executions', { name, input: JSON.stringify(input) });
    const run = await waitForEnd(name);
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
    runs.push(name);
  }
  // The third run comes from a trigger: a new file under the data folder, handed over by the template.
  const landing = join(work.path, 'landing');
  mkdirSync(landing);
  await client.post('/api/v1/triggers', {
    name: 'on-new-penguins',
    workflowName: 'penguins-deploy',
    event: { type: 'artifact.created', detailPrefix: { uri: pathToFileURL(landing).href } },
    input: {
      'RawDataUri.$': '$.event.detail.uri',
      WorkUri: input.WorkUri,
      EndpointName: input.EndpointName,
      ModelPackageGroupName: input.ModelPackageGroupName,
    },
  });
  const watcher = slipway.platform.workflows.artifactWatcher;
  await watcher.scan(); // the folder is watched from now on: what is there is taken as seen
  const file = join(landing, 'penguins-2025.csv');
  copyFileSync(rawData, file);
  await watcher.scan(); // announces the new file (or the background poll already did, once)
  const fired = await waitFor(
    async () => {
      const { items } = await client.get<{ items: Array<{ name: string }> }>('/api/v1/executions', {
        workflowName: 'penguins-deploy',
      });
      const started = items.filter((e) => e.name.startsWith('on-new-penguins-'));
      return started.length > 0 ? started : undefined;
    },
    { what: 'the run the new file started' },
  );
  assert.equal(fired.length, 1, 'one new file, one run');
  const third = await waitForEnd(fired[0]!.name);
  assert.equal(third.status, 'SUCCEEDED', `${third.error}: ${third.cause}`);
  runs.push(third.name);
  assert.equal(JSON.parse(third.input).RawDataUri, pathToFileURL(file).href);

  for (const [index, name] of runs.entries()) {
    const execution = await client.get<Record<string, any>>(`/api/v1/executions/${name}`);
    const output = JSON.parse(execution.output);
    assert.ok(output.data.rows > 300);
    assert.ok(output.train.accuracy >= 0.85);
    assert.equal(output.endpoint.status, 'InService');
    assert.deepEqual(output.registered, { version: index + 1, status: 'PendingManualApproval' });
    const version = await client.get<Record<string, any>>(
      `/api/v1/model-packages/penguins-candidates/${index + 1}`,
    );
    assert.equal(version.trainingJobName, name, 'each run registered its own job');
    assert.equal(version.metrics['test:accuracy'], output.train.accuracy, 'with the job’s own metric');
    const job = await client.get<Record<string, any>>(`/api/v1/training-jobs/${name}`);
    assert.equal(job.trainingJobStatus, 'Completed', 'each run trained a job of its own name');
    const entered = (await historyOf(client, name))
      .filter((e) => e.type === 'TaskStateEntered')
      .map((e) => e.stateEnteredEventDetails.name);
    assert.equal(entered.includes('UpdateEndpoint'), index > 0, `${name}: created, then updated`);
  }
  const endpoint = await client.get<Record<string, any>>('/api/v1/endpoints/penguins-live');
  assert.equal(endpoint.endpointConfigName, runs.at(-1), 'the endpoint serves the latest run’s model');

  const answer = await invoke(
    slipway.url,
    slipway.adminToken,
    'penguins-live',
    'Gentoo,Biscoe,50.0,15.2,218,5700\n',
  );
  assert.equal(answer.status, 200, answer.text);
  assert.deepEqual(JSON.parse(answer.text).predictions, ['male']);
});
