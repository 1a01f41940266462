/**
 * The "automate" step of the first hour, through the real CLI: a pipeline.ts written with the SDK
 * is deployed (created, then updated), started and watched with per-state progress, its history
 * listed, drawn as a graph coloured by the run, and exported as ASL and CloudFormation.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { runCli } from '../helpers/cli.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';

const root = join(import.meta.dirname, '..', '..');
const example = join(root, 'examples', 'pipelines', 'retrain');
let slipway: TestSlipway;
let env: NodeJS.ProcessEnv;

before(async () => {
  slipway = await startTestSlipway();
  env = { SLIPWAY_URL: slipway.url, SLIPWAY_TOKEN: slipway.adminToken, NO_COLOR: '1' };
  await slipway.client().post('/api/v1/functions', {
    name: 'count-rows',
    module: join(example, 'functions', 'count-rows.ts'),
  });
});
after(() => slipway.cleanup());

test('deploy, start --watch, history, graph and export a pipeline.ts through the CLI', async () => {
  const pipeline = join(example, 'pipeline.ts');
  const created = await runCli(['workflows', 'deploy', pipeline], env);
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /penguins-retrain: created \(revision 1\)/);
  const updated = await runCli(['workflows', 'deploy', pipeline], env);
  assert.match(updated.stdout, /penguins-retrain: updated \(revision 2\)/);

  const input = JSON.stringify({
    JobName: 'retrain-1',
    DataUri: pathToFileURL(join(root, 'examples', 'penguins', 'data')).href + '/',
  });
  const watched = await runCli(
    ['workflows', 'start', 'penguins-retrain', '--input', input, '--execution-name', 'run-1', '--watch'],
    env,
  );
  assert.equal(watched.code, 0, watched.stdout + watched.stderr);
  for (const state of ['CheckData', 'Train', 'Evaluate', 'Accepted'])
    assert.match(watched.stdout, new RegExp(`✔ ${state}\\s+succeeded`));
  assert.match(watched.stdout, /run-1 {2}SUCCEEDED/);

  const described = await slipway.client().get<Record<string, any>>('/api/v1/executions/run-1');
  const output = JSON.parse(described.output);
  assert.ok(output.data.rows > 300);
  assert.ok(output.train.accuracy >= 0.4);
  assert.match(output.train.model, /retrain-1\/output\/model\.tar\.gz$/);

  const history = await runCli(['workflows', 'history', 'run-1'], env);
  assert.match(history.stdout, /TaskSucceeded/);
  assert.match(history.stdout, /ExecutionSucceeded/);

  const graph = await runCli(['workflows', 'graph', 'penguins-retrain', '--execution', 'run-1'], env);
  assert.match(graph.stdout, /^flowchart TD/);
  const trainId = /(n\d+)\["Train/.exec(graph.stdout)?.[1];
  assert.match(graph.stdout, new RegExp(`class [n0-9,]*\\b${trainId}\\b[n0-9,]* succeeded`));
  assert.match(graph.stdout, /class [n0-9,]+ notstarted/, 'Rejected and PipelineFailed did not run');

  const asl = JSON.parse(
    (await runCli(['workflows', 'export', 'penguins-retrain', '--format', 'asl'], env)).stdout,
  );
  assert.equal(asl.StartAt, 'CheckData');
  assert.equal(asl.States.Train.Catch[0].Next, 'PipelineFailed');
  const template = JSON.parse(
    (await runCli(['workflows', 'export', 'penguins-retrain', '--format', 'cloudformation'], env)).stdout,
  );
  assert.deepEqual(Object.keys(template.Parameters).sort(), ['SageMakerRoleArn', 'WorkflowRoleArn']);
  assert.ok(!template.Resources.StateMachineComponent.Properties.DefinitionString.includes('arn:aws:iam'));

  const listed = JSON.parse(
    (await runCli(['--json', 'executions', 'list', '--workflow', 'penguins-retrain'], env)).stdout,
  );
  assert.deepEqual(
    listed.map((e: { name: string; status: string }) => [e.name, e.status]),
    [['run-1', 'SUCCEEDED']],
  );
});
