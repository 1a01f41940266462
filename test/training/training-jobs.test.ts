/** Training jobs end to end on the process runtime: real child processes, real files, real HTTP. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe as suite, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Artifacts } from '../../src/artifacts/artifacts.ts';
import { unpackTo } from '../../src/artifacts/tarball.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { tempFolder } from '../helpers/temp.ts';
import { describe, folderWith, shellJob, waitForEnd, waitForStatus } from '../helpers/training.ts';
import { namesField, waitFor } from '../helpers/wait.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'training');

suite('training jobs (process runtime)', () => {
  let slipway: TestSlipway;
  const work = tempFolder('slipway-training-');
  let train: string;

  before(async () => {
    // No package index is reachable here: requirements come from folders shipped with the code.
    slipway = await startTestSlipway({
      config: { stopGraceSeconds: 2, gpus: [0, 1], pipArgs: ['--no-index', '--no-build-isolation'] },
    });
    train = folderWith(work.path, 'train-data', { 'data.csv': 'a,b\n1,2\n3,4\n' });
  });
  after(async () => {
    await slipway.cleanup();
    work.cleanup();
  });

  const create = (spec: unknown) => slipway.client().post<Record<string, any>>('/api/v1/training-jobs', spec);

  async function unpackModel(job: Record<string, any>): Promise<string> {
    const target = tempFolder('slipway-model-');
    const artifacts = new Artifacts({ defaultUrl: pathToFileURL(work.path).href, s3Region: 'us-east-1' });
    const { store, key } = artifacts.resolve(job.modelArtifacts.s3ModelArtifacts);
    await unpackTo(await store.get(key), target.path);
    return target.path;
  }

  test('a SageMaker script-mode Python script runs unchanged and its model, metrics and logs are kept', async () => {
    const code = folderWith(work.path, 'py-code', {
      'train.py': readFileSync(join(fixtures, 'contract_report.py'), 'utf8'),
    });
    const created = await create({
      trainingJobName: 'script-mode',
      algorithmSpecification: {
        metricDefinitions: [
          { name: 'train:loss', regex: 'train_loss=([0-9.]+)' },
          { name: 'validation:accuracy', regex: 'validation:accuracy=([0-9.]+)' },
        ],
      },
      hyperParameters: {
        sagemaker_program: '"train.py"',
        sagemaker_submit_directory: code,
        epochs: '3',
        'learning-rate': '0.05',
      },
      inputDataConfig: [
        { channelName: 'train', dataSource: { s3DataSource: { s3Uri: train } }, contentType: 'text/csv' },
      ],
      environment: { MY_SETTING: 'on' },
    });
    assert.equal(created.trainingJobStatus, 'InProgress');
    assert.match(created.trainingJobArn, /^arn:slipway:sagemaker:.*:training-job\/script-mode$/);

    const job = await waitForEnd(slipway.client(), 'script-mode');
    assert.equal(job.trainingJobStatus, 'Completed', job.failureReason);
    assert.deepEqual(
      job.secondaryStatusTransitions.map((t: { status: string }) => t.status),
      ['Starting', 'Downloading', 'Training', 'Uploading', 'Completed'],
    );
    assert.ok(job.billableTimeInSeconds >= 1);
    assert.ok(Date.parse(job.trainingEndTime) >= Date.parse(job.trainingStartTime));
    assert.match(job.modelArtifacts.s3ModelArtifacts, /script-mode\/output\/model\.tar\.gz$/);
    assert.match(job.modelArtifacts.sha256, /^[0-9a-f]{64}$/);
    assert.ok(job.outputDataArtifacts.s3Uri.endsWith('script-mode/output/output.tar.gz'));

    const model = await unpackModel(job);
    const report = JSON.parse(readFileSync(join(model, 'report.json'), 'utf8'));
    assert.deepEqual(report.args.epochs, 3, '--epochs reached argparse');
    assert.equal(report.args.learning_rate, 0.05);
    assert.deepEqual(
      report.argv,
      ['--epochs', '3', '--learning-rate', '0.05'],
      'sagemaker_* keys are not passed as arguments',
    );
    assert.equal(report.rows, 3);
    assert.equal(report.env.TRAINING_JOB_NAME, 'script-mode');
    assert.equal(report.env.MY_SETTING, 'on');
    assert.deepEqual(JSON.parse(report.env.SM_HPS), { epochs: 3, 'learning-rate': 0.05 });
    assert.equal(report.env.SM_HP_EPOCHS, '3');
    assert.deepEqual(JSON.parse(report.env.SM_CHANNELS), ['train']);
    assert.ok(report.env.SM_CHANNEL_TRAIN.endsWith('/input/data/train'));
    assert.ok(report.env.SM_MODEL_DIR.endsWith('/model'));
    assert.equal(report.env.SM_NUM_GPUS, '0');
    assert.equal(report.env.CUDA_VISIBLE_DEVICES, '', 'a job without GPUs sees none');
    assert.equal(report.env.SM_CURRENT_HOST, 'algo-1');
    assert.equal(JSON.parse(report.env.SM_TRAINING_ENV).hyperparameters.epochs, 3);
    assert.equal(report['hyperparameters.json'].epochs, '3');
    assert.deepEqual(report['resourceconfig.json'].hosts, ['algo-1']);
    assert.equal(report['inputdataconfig.json'].train.ContentType, 'text/csv');
    assert.ok(report.cwd.endsWith('/code'), 'the script runs in /opt/ml/code');

    assert.deepEqual(
      job.finalMetricDataList
        .map((m: { metricName: string; value: number }) => [m.metricName, m.value])
        .sort(),
      [
        ['train:loss', 0.3333],
        ['validation:accuracy', 0.93],
      ],
    );
    const { metrics } = await slipway
      .client()
      .get<{ metrics: Array<{ name: string; points: Array<{ step: number; value: number }> }> }>(
        '/api/v1/training-jobs/script-mode/metrics',
      );
    const loss = metrics.find((m) => m.name === 'train:loss')!;
    assert.deepEqual(
      loss.points.map((p) => [p.step, p.value]),
      [
        [0, 1],
        [1, 0.5],
        [2, 0.3333],
      ],
    );

    const logs = await (
      await fetch(`${slipway.url}/api/v1/training-jobs/script-mode/logs`, {
        headers: { authorization: `Bearer ${slipway.adminToken}` },
      })
    ).text();
    assert.match(logs, /epoch=0 train_loss=1\.0000/);
    assert.match(logs, /a line on stderr/);
  });

  test('user-code failure: the failure file becomes the reason', async () => {
    const code = folderWith(work.path, 'fails', {
      'train.sh':
        'echo "starting"\necho "ValueError: C must be positive" > "$SM_OUTPUT_DIR/failure"\nexit 3\n',
    });
    await create(shellJob('fails-with-file', { code }));
    const job = await waitForEnd(slipway.client(), 'fails-with-file');
    assert.equal(job.trainingJobStatus, 'Failed');
    assert.equal(job.failureReason, 'AlgorithmError: ValueError: C must be positive');
    assert.equal(job.exitCode, 3);
    assert.equal(job.modelArtifacts, undefined);
  });

  test('user-code failure without a failure file: the exit code and last output are the reason', async () => {
    const code = folderWith(work.path, 'crashes', {
      'train.sh': 'echo "loading data"\necho "Traceback: boom" >&2\nexit 2\n',
    });
    await create(shellJob('crashes', { code }));
    const job = await waitForEnd(slipway.client(), 'crashes');
    assert.equal(job.trainingJobStatus, 'Failed');
    assert.match(job.failureReason, /exit code 2; last output: loading data \| Traceback: boom/);
  });

  const pythonJob = (name: string, code: string) => ({
    trainingJobName: name,
    algorithmSpecification: {},
    hyperParameters: { sagemaker_program: '"train.py"', sagemaker_submit_directory: code },
  });

  test('a requirements.txt beside the entry point is installed first, and the script imports it', async () => {
    const code = folderWith(work.path, 'with-requirements', {
      'requirements.txt': './vendor/greeting\n',
      'vendor/greeting/pyproject.toml':
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n' +
        '[project]\nname = "greeting"\nversion = "1.0"\n',
      'vendor/greeting/greeting/__init__.py': 'def hello():\n    return "hello from a requirement"\n',
      'train.py': 'import greeting\nprint(greeting.hello())\n',
    });
    await create(pythonJob('with-requirements', code));
    const job = await waitForEnd(slipway.client(), 'with-requirements');
    assert.equal(job.trainingJobStatus, 'Completed', job.failureReason);
    const logs = await (
      await fetch(`${slipway.url}/api/v1/training-jobs/with-requirements/logs`, {
        headers: { authorization: `Bearer ${slipway.adminToken}` },
      })
    ).text();
    assert.match(
      logs,
      /Installing requirements\.txt[\s\S]*Successfully installed greeting-1\.0[\s\S]*hello from a requirement/,
    );
  });

  test('a requirement that cannot be installed fails the job before the script runs, saying so', async () => {
    const code = folderWith(work.path, 'bad-requirements', {
      'requirements.txt': 'no-such-package-for-slipway==1.0\n',
      'train.py': 'print("the script ran")\n',
    });
    await create(pythonJob('bad-requirements', code));
    const job = await waitForEnd(slipway.client(), 'bad-requirements');
    assert.equal(job.trainingJobStatus, 'Failed');
    assert.match(job.failureReason, /requirements\.txt: pip install failed with exit code 1/);
    const logs = await (
      await fetch(`${slipway.url}/api/v1/training-jobs/bad-requirements/logs`, {
        headers: { authorization: `Bearer ${slipway.adminToken}` },
      })
    ).text();
    assert.match(logs, /no-such-package-for-slipway/);
    assert.doesNotMatch(logs, /the script ran/);
  });

  test('max runtime: the job is stopped and says MaxRuntimeExceeded', async () => {
    const code = folderWith(work.path, 'slow', { 'train.sh': 'echo "training forever"\nexec sleep 60\n' });
    await create(shellJob('too-slow', { code, extra: { stoppingCondition: { maxRuntimeInSeconds: 1 } } }));
    const job = await waitForEnd(slipway.client(), 'too-slow');
    assert.equal(job.trainingJobStatus, 'Stopped');
    assert.equal(job.secondaryStatus, 'MaxRuntimeExceeded');
    assert.match(job.failureReason, /stopping condition of 1 seconds/);
  });

  test('stop mid-run: SIGTERM reaches the code, which saves its model; the job ends Stopped with that model', async () => {
    const code = folderWith(work.path, 'stoppable', {
      'train.sh': [
        'trap \'echo "checkpoint" > "$SM_MODEL_DIR/checkpoint.txt"; echo "saved on SIGTERM"; exit 143\' TERM',
        'echo "epoch 1"',
        'while true; do sleep 0.1; done',
      ].join('\n'),
    });
    await create(shellJob('stop-me', { code }));
    await waitForStatus(slipway.client(), 'stop-me', (job) => job.secondaryStatus === 'Training', 'Training');
    await waitFor(async () => {
      const text = await (
        await fetch(`${slipway.url}/api/v1/training-jobs/stop-me/logs`, {
          headers: { authorization: `Bearer ${slipway.adminToken}` },
        })
      ).text();
      return text.includes('epoch 1');
    });
    const stopping = await slipway.client().post<Record<string, any>>('/api/v1/training-jobs/stop-me/stop');
    assert.equal(stopping.trainingJobStatus, 'Stopping');
    const job = await waitForEnd(slipway.client(), 'stop-me');
    assert.equal(job.trainingJobStatus, 'Stopped');
    assert.equal(job.secondaryStatus, 'Stopped');
    const model = await unpackModel(job);
    assert.equal(readFileSync(join(model, 'checkpoint.txt'), 'utf8'), 'checkpoint\n');
    await assert.rejects(slipway.client().post('/api/v1/training-jobs/stop-me/stop'), {
      code: 'SLIPWAY_TRAINING_NOT_STOPPABLE',
    });
  });

  test('a code that ignores SIGTERM is killed after the grace period', async () => {
    const code = folderWith(work.path, 'stubborn', {
      'train.sh': "trap '' TERM\necho started\nwhile true; do sleep 0.1; done\n",
    });
    await create(shellJob('stubborn', { code }));
    await waitForStatus(
      slipway.client(),
      'stubborn',
      (job) => job.secondaryStatus === 'Training',
      'Training',
    );
    await slipway.client().post('/api/v1/training-jobs/stubborn/stop');
    const job = await waitForEnd(slipway.client(), 'stubborn');
    assert.equal(job.trainingJobStatus, 'Stopped');
  });

  test('a missing channel fails before anything runs, naming the channel', async () => {
    const code = folderWith(work.path, 'never-runs', { 'train.sh': 'exit 0\n' });
    const missing = pathToFileURL(join(work.path, 'trian-data')).href;
    await assert.rejects(create(shellJob('bad-channel', { code, train: missing })), (error: any) => {
      assert.equal(error.code, 'SLIPWAY_TRAINING_CHANNEL_MISSING');
      assert.equal(error.details.field, 'inputDataConfig[0].dataSource.s3DataSource.s3Uri');
      assert.match(error.message, /channel "train" points at .*trian-data, which does not exist/);
      return true;
    });
    await assert.rejects(describe(slipway.client(), 'bad-channel'), { kind: 'not_found' });
  });

  test('malformed specs are refused with the field named, and the server keeps serving', async () => {
    const code = folderWith(work.path, 'unused', { 'train.sh': 'exit 0\n' });
    await assert.rejects(
      create({ ...shellJob('x', { code }), trainingJobName: 'bad_name' }),
      namesField('body.trainingJobName'),
    );
    await assert.rejects(
      create({ ...shellJob('x', { code }), hyperparameters: {} }),
      namesField('body.hyperparameters'),
    );
    await assert.rejects(
      create({ ...shellJob('x', { code }), resourceConfig: { instanceCount: 0 } }),
      namesField('body.resourceConfig.instanceCount'),
    );
    await assert.rejects(create({ trainingJobName: 'nothing-to-run', algorithmSpecification: {} }), {
      code: 'SLIPWAY_TRAINING_NO_COMMAND',
    });
    await assert.rejects(
      create({
        trainingJobName: 'no-code',
        algorithmSpecification: {},
        hyperParameters: { sagemaker_program: 'train.py' },
      }),
      namesField('hyperParameters.sagemaker_submit_directory'),
    );
    await assert.rejects(create({ ...shellJob('gpu-hog', { code }), resourceConfig: { gpuCount: 3 } }), {
      code: 'SLIPWAY_TRAINING_TOO_MANY_GPUS',
    });
    await assert.rejects(
      create({
        ...shellJob('bad-regex', { code }),
        algorithmSpecification: { metricDefinitions: [{ name: 'x', regex: '(' }] },
      }),
      namesField('algorithmSpecification.metricDefinitions[0].regex'),
    );
    assert.equal((await fetch(`${slipway.url}/healthz`)).status, 200);
  });

  test('GPUs from the inventory (a configured list; no GPU is used): two jobs never share one', async () => {
    const marker = join(work.path, 'release-gpus');
    const code = folderWith(work.path, 'gpu-code', {
      'train.sh': `echo "gpus=$CUDA_VISIBLE_DEVICES count=$SM_NUM_GPUS"\nwhile [ ! -f "${marker}" ]; do sleep 0.05; done\n`,
    });
    for (const name of ['gpu-a', 'gpu-b', 'gpu-c']) {
      await create(shellJob(name, { code, extra: { resourceConfig: { gpuCount: 1 } } }));
    }
    // Two run, each with its own GPU; the third waits Pending for one to be freed.
    const running = await waitFor(async () => {
      const jobs = await Promise.all(['gpu-a', 'gpu-b', 'gpu-c'].map((n) => describe(slipway.client(), n)));
      const training = jobs.filter((j) => j.secondaryStatus === 'Training');
      const pending = jobs.filter((j) => j.secondaryStatus === 'Pending');
      return training.length === 2 && pending.length === 1 ? training : undefined;
    });
    const assigned = running.map((job) => job.resourceConfig.assignedGpus[0]).sort();
    assert.deepEqual(assigned, [0, 1]);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(marker, '');
    const ended = await Promise.all(['gpu-a', 'gpu-b', 'gpu-c'].map((n) => waitForEnd(slipway.client(), n)));
    for (const job of ended) assert.equal(job.trainingJobStatus, 'Completed', job.failureReason);
    const logs = await Promise.all(
      ['gpu-a', 'gpu-b', 'gpu-c'].map(async (n) =>
        (
          await fetch(`${slipway.url}/api/v1/training-jobs/${n}/logs`, {
            headers: { authorization: `Bearer ${slipway.adminToken}` },
          })
        ).text(),
      ),
    );
    for (const log of logs) assert.match(log, /gpus=[01] count=1/);
  });

  test('logs can be followed until the job ends', async () => {
    const code = folderWith(work.path, 'chatty', {
      'train.sh': 'for i in 1 2 3 4 5; do echo "line $i"; sleep 0.1; done\n',
    });
    await create(shellJob('chatty', { code }));
    const response = await fetch(`${slipway.url}/api/v1/training-jobs/chatty/logs?follow=true`, {
      headers: { authorization: `Bearer ${slipway.adminToken}` },
    });
    const text = await response.text();
    assert.match(text, /line 1\nline 2\nline 3\nline 4\nline 5\n/);
    assert.equal((await describe(slipway.client(), 'chatty')).trainingJobStatus, 'Completed');
  });

  test('list filters by status and name', async () => {
    const { items } = await slipway
      .client()
      .get<{ items: Array<{ trainingJobName: string }> }>('/api/v1/training-jobs', {
        statusEquals: 'Failed',
      });
    const names = items.map((j) => j.trainingJobName).sort();
    assert.deepEqual(names, ['bad-requirements', 'crashes', 'fails-with-file']);
    const byName = await slipway
      .client()
      .get<{ items: Array<{ trainingJobName: string }> }>('/api/v1/training-jobs', {
        nameContains: 'gpu-',
      });
    assert.equal(byName.items.length, 3);
  });
});
