/**
 * Experiment tracking over HTTP with real training jobs (process runtime): a job's run and its
 * metrics, logging from user code and the SDK, search and compare, and reproduce.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Run } from '../../src/experiments/sdk.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { tempFolder } from '../helpers/temp.ts';
import { folderWith, shellJob, waitForEnd } from '../helpers/training.ts';
import { namesField, waitFor } from '../helpers/wait.ts';

type Described = Record<string, any>;

const trainScript = [
  'for step in 1 2 3; do',
  '  echo "epoch=$step loss=0.$((4 - step))"',
  'done',
  'echo "accuracy=0.9$SM_HP_SEED"',
  'echo model > "$SM_MODEL_DIR/model.txt"',
].join('\n');

describe('experiment tracking with training jobs', () => {
  let slipway: TestSlipway;
  const work = tempFolder('slipway-tracking-');
  let code: string;
  let train: string;

  before(async () => {
    slipway = await startTestSlipway();
    code = folderWith(work.path, 'code', { 'train.sh': trainScript });
    train = folderWith(work.path, 'train', { 'data.csv': 'a,b\n1,2\n' });
  });
  after(async () => {
    await slipway.cleanup();
    work.cleanup();
  });

  const client = () => slipway.client();
  const metricDefinitions = [
    { name: 'loss', regex: 'loss=([0-9.]+)' },
    { name: 'accuracy', regex: 'accuracy=([0-9.]+)' },
  ];
  const job = (name: string, extra: Record<string, unknown> = {}) =>
    shellJob(name, {
      code,
      train,
      extra: { algorithmSpecification: { metricDefinitions }, ...extra },
    });
  const withHyperparameters = (spec: Described, hps: Record<string, string>) => ({
    ...spec,
    hyperParameters: { ...spec.hyperParameters, ...hps },
  });

  test("a training job's run records its params, metric series, code and data hashes and environment", async () => {
    await client().post(
      '/api/v1/training-jobs',
      withHyperparameters(
        job('tracked-1', { experimentConfig: { experimentName: 'shell', runName: 'shell-run-1' } }),
        {
          seed: '1',
        },
      ),
    );
    const ended = await waitForEnd(client(), 'tracked-1');
    assert.equal(ended.trainingJobStatus, 'Completed', ended.failureReason);
    const run = await waitFor(async () => {
      const found = await client().get<Described>('/api/v1/runs/shell-run-1');
      return found.status === 'Completed' ? found : undefined;
    });
    assert.equal(run.experimentName, 'shell');
    assert.equal(run.trainingJobName, 'tracked-1');
    assert.deepEqual(run.params, { seed: '1' });
    assert.equal(run.metrics.loss, 0.1);
    assert.equal(run.metrics.accuracy, 0.91);
    assert.ok(run.durationSeconds >= 0);
    assert.match(run.source.sha256, /^[0-9a-f]{64}$/);
    assert.equal(run.source.uri, code);
    assert.equal(run.inputData.length, 1);
    assert.equal(run.inputData[0].name, 'train');
    assert.match(run.inputData[0].sha256, /^[0-9a-f]{64}$/);
    assert.equal(run.environment.runtime, 'process');
    assert.equal(run.environment.command[0], '/bin/sh');
    assert.equal(run.modelArtifact.uri, ended.modelArtifacts.s3ModelArtifacts);
    assert.equal(run.tags['slipway.trainingJobName'], 'tracked-1');

    const series = await client().get<Described>('/api/v1/runs/shell-run-1/metrics/loss');
    assert.deepEqual(series.steps, [0, 1, 2]);
    assert.deepEqual(series.values, [0.3, 0.2, 0.1]);
    assert.equal(series.timestamps.length, 3);
    const experiment = await client().get<Described>('/api/v1/experiments/shell');
    assert.equal(experiment.runCount, 1);
  });

  test('a job without an experimentConfig records a run named after itself in the Default experiment', async () => {
    await client().post('/api/v1/training-jobs', withHyperparameters(job('untracked-2'), { seed: '2' }));
    await waitForEnd(client(), 'untracked-2');
    const run = await waitFor(async () => {
      const found = await client().get<Described>('/api/v1/runs/untracked-2');
      return found.status === 'Completed' ? found : undefined;
    });
    assert.equal(run.experimentName, 'Default');
    assert.equal(run.metrics.accuracy, 0.92);
  });

  test('a job joins a run the user started in the same experiment; a run of another experiment fails the job, saying why', async () => {
    await client().post('/api/v1/runs', {
      experimentName: 'joined',
      runName: 'prepared-run',
      params: { dataset: 'v2' },
    });
    await client().post('/api/v1/runs/prepared-run/metrics', { name: 'rows', value: 1000 });
    await client().post(
      '/api/v1/training-jobs',
      withHyperparameters(
        job('joiner', { experimentConfig: { experimentName: 'joined', runName: 'prepared-run' } }),
        {
          seed: '3',
        },
      ),
    );
    assert.equal((await waitForEnd(client(), 'joiner')).trainingJobStatus, 'Completed');
    const run = await waitFor(async () => {
      const found = await client().get<Described>('/api/v1/runs/prepared-run');
      return found.status === 'Completed' ? found : undefined;
    });
    assert.equal(run.trainingJobName, 'joiner');
    assert.deepEqual(run.params, { dataset: 'v2', seed: '3' });
    assert.deepEqual(run.metrics, { accuracy: 0.93, loss: 0.1, rows: 1000 });

    await client().post(
      '/api/v1/training-jobs',
      withHyperparameters(
        job('wrong-experiment', { experimentConfig: { experimentName: 'other', runName: 'prepared-run' } }),
        {
          seed: '4',
        },
      ),
    );
    const failed = await waitForEnd(client(), 'wrong-experiment');
    assert.equal(failed.trainingJobStatus, 'Failed');
    assert.match(failed.failureReason, /run "prepared-run" belongs to experiment "joined", not "other"/);
  });

  test('user code logs over HTTP: one point, a batch, params and tags; bad input names its field', async () => {
    await client().post('/api/v1/runs', { experimentName: 'http', runName: 'http-1', params: { C: '0.5' } });
    await client().post('/api/v1/runs/http-1/metrics', { name: 'loss', value: 0.7, step: 0 });
    const logged = await client().post<Described>('/api/v1/runs/http-1/metrics', {
      metrics: [
        { name: 'loss', value: 0.4, step: 1 },
        { name: 'accuracy', value: 0.88, step: 1, timestamp: Date.now() },
      ],
    });
    assert.equal(logged.metrics, 2);
    await client().post('/api/v1/runs/http-1/batch', {
      metrics: [{ name: 'loss', value: 0.3, step: 2 }],
      params: { kernel: 'linear' },
      tags: { owner: 'ada' },
    });
    const run = await client().get<Described>('/api/v1/runs/http-1');
    assert.deepEqual(run.metrics, { accuracy: 0.88, loss: 0.3 });
    assert.deepEqual(run.params, { C: '0.5', kernel: 'linear' });
    assert.deepEqual(run.tags, { owner: 'ada' });

    await assert.rejects(
      client().post('/api/v1/runs/http-1/metrics', {
        metrics: [
          { name: 'loss', value: 1 },
          { name: 'loss', value: 'high' },
        ],
      }),
      namesField('body.metrics[1].value'),
    );
    await assert.rejects(
      client().post('/api/v1/runs/http-1/metrics', { name: 'loss' }),
      namesField('body.value'),
    );
    await assert.rejects(
      client().post('/api/v1/runs/http-1/batch', { metrics: [{ name: 'loss', value: 1, stp: 3 }] }),
      namesField('body.metrics[0].stp'),
    );
    await assert.rejects(client().post('/api/v1/runs/http-1/params', { params: { C: '9' } }), {
      code: 'SLIPWAY_RUN_PARAM_CHANGED',
    });
    await assert.rejects(client().post('/api/v1/runs/nope/metrics', { name: 'x', value: 1 }), {
      kind: 'not_found',
    });
  });

  test('the TypeScript SDK: start, log metrics, params and an artifact, end', async () => {
    const run = await Run.start(client(), { experimentName: 'sdk', runName: 'sdk-1', params: { C: 2 } });
    for (let step = 0; step < 5; step++) await run.logMetric('loss', 1 / (step + 1), step);
    await run.logMetrics({ precision: 0.8, recall: 0.7 }, 4);
    await run.logParam('layers', 3);
    const file = join(work.path, 'notes.txt');
    writeFileSync(file, 'hello');
    const artifact = await run.logArtifact('notes/notes.txt', file);
    assert.equal(artifact.path, 'notes/notes.txt');
    assert.equal(
      fileURLToPath(artifact.uri).endsWith(join('runs', 'sdk-1', 'artifacts', 'notes', 'notes.txt')),
      true,
    );
    const ended = await run.end();
    assert.equal(ended.status, 'Completed');
    assert.deepEqual(ended.params, { C: '2', layers: '3' });
    assert.deepEqual(ended.metrics, { loss: 0.2, precision: 0.8, recall: 0.7 });
  });

  test('search over HTTP filters and orders; a bad filter is a 400 naming the token', async () => {
    await client().post('/api/v1/runs', { experimentName: 'http', runName: 'http-2', params: { C: '1.0' } });
    await client().post('/api/v1/runs/http-2/metrics', { name: 'accuracy', value: 0.95 });
    await client().post('/api/v1/runs', { experimentName: 'http', runName: 'http-3', params: { C: '1.0' } });
    await client().post('/api/v1/runs/http-3/metrics', { name: 'accuracy', value: 0.91 });
    const found = await client().get<Described>('/api/v1/runs', {
      experimentName: 'http',
      filter: "metrics.accuracy > 0.9 and params.C = '1.0'",
      orderBy: 'metrics.accuracy desc',
    });
    assert.deepEqual(
      found.items.map((run: Described) => run.runName),
      ['http-2', 'http-3'],
    );
    const all = await client().get<Described>('/api/v1/runs', {
      experimentName: 'http,sdk',
      orderBy: 'metrics.accuracy asc',
    });
    assert.deepEqual(
      all.items.map((run: Described) => run.runName),
      ['http-1', 'http-3', 'http-2', 'sdk-1'],
    );
    await assert.rejects(
      client().get('/api/v1/runs', { filter: 'metrics.accuracy => 0.9' }),
      (error: any) => {
        assert.equal(error.kind, 'validation');
        assert.equal(error.details.field, 'filter');
        assert.equal(error.details.token, '>');
        assert.match(error.message, /expected a number or a quoted string, found ">" at position 18/);
        return true;
      },
    );
  });

  test('compare over HTTP: parameters that differ, final metrics, series', async () => {
    const comparison = await client().get<Described>('/api/v1/runs/compare', { runs: 'http-1,http-2' });
    assert.deepEqual(comparison.params.differing.C, { 'http-1': '0.5', 'http-2': '1.0' });
    assert.deepEqual(comparison.metrics.accuracy, { 'http-1': 0.88, 'http-2': 0.95 });
    assert.deepEqual(comparison.series.loss['http-1'], { steps: [0, 1, 2], values: [0.7, 0.4, 0.3] });
    assert.equal(comparison.runs.length, 2);
  });

  test('reproduce re-creates the job under a new name; it refuses, naming the channel, when the data changed', async () => {
    const created = await client().post<Described>('/api/v1/runs/shell-run-1/reproduce', {});
    assert.notEqual(created.trainingJobName, 'tracked-1');
    const again = await waitForEnd(client(), created.trainingJobName);
    assert.equal(again.trainingJobStatus, 'Completed', again.failureReason);
    assert.deepEqual(
      again.hyperParameters,
      (await client().get<Described>('/api/v1/training-jobs/tracked-1')).hyperParameters,
    );
    const run = await waitFor(async () => {
      const found = await client().get<Described>(`/api/v1/runs/${created.runName}`);
      return found.status === 'Completed' ? found : undefined;
    });
    const original = await client().get<Described>('/api/v1/runs/shell-run-1');
    assert.equal(run.experimentName, 'shell');
    assert.equal(run.tags['slipway.reproducedFrom'], 'shell-run-1');
    assert.equal(run.source.sha256, original.source.sha256);
    assert.equal(run.inputData[0].sha256, original.inputData[0].sha256);
    assert.deepEqual(run.metrics, original.metrics);

    writeFileSync(join(fileURLToPath(train), 'data.csv'), 'a,b\n1,2\n5,6\n');
    await assert.rejects(client().post('/api/v1/runs/shell-run-1/reproduce', {}), (error: any) => {
      assert.equal(error.code, 'SLIPWAY_RUN_INPUTS_CHANGED');
      assert.equal(error.kind, 'conflict');
      assert.match(
        error.message,
        /inputDataConfig\[0\] \(train\): sha256 changed from [0-9a-f]{12}… to [0-9a-f]{12}…/,
      );
      return true;
    });
    await client().post('/api/v1/runs', { experimentName: 'http', runName: 'hand-made' });
    await assert.rejects(client().post('/api/v1/runs/hand-made/reproduce', {}), {
      code: 'SLIPWAY_RUN_NOT_REPRODUCIBLE',
    });
  });
});
