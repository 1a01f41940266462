/** `slipway train` and `slipway jobs` as a user types them, against a real server. */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { tempFolder } from '../helpers/temp.ts';
import { waitForStatus } from '../helpers/training.ts';

describe('slipway train / jobs', () => {
  let slipway: TestSlipway;
  let env: NodeJS.ProcessEnv;
  const work = tempFolder('slipway-train-cli-');

  before(async () => {
    slipway = await startTestSlipway({ config: { stopGraceSeconds: 1 } });
    env = { SLIPWAY_URL: slipway.url, SLIPWAY_TOKEN: slipway.adminToken };
    mkdirSync(join(work.path, 'src'));
    mkdirSync(join(work.path, 'data'));
    writeFileSync(join(work.path, 'data', 'train.csv'), '1,2\n');
    writeFileSync(
      join(work.path, 'src', 'train.sh'),
      'for e in 1 2; do echo "epoch $e loss=0.$e"; done\necho "model" > "$SM_MODEL_DIR/model.txt"\n',
    );
    writeFileSync(join(work.path, 'src', 'forever.sh'), 'echo started\nwhile true; do sleep 0.1; done\n');
  });
  after(async () => {
    await slipway.cleanup();
    work.cleanup();
  });

  test('train --wait runs a script with local paths and prints the outcome, model and metrics', async () => {
    const result = await runCli(
      [
        'train',
        '--name',
        'cli-job',
        '--entry-point',
        'train.sh',
        '--source-dir',
        join(work.path, 'src'),
        '--channel',
        `train=${join(work.path, 'data')}`,
        '--hp',
        'epochs=2',
        '--metric',
        'loss=loss=([0-9.]+)',
        '--wait',
      ],
      env,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /cli-job: Completed/);
    assert.match(result.stdout, /model: {2}file:\/\/.*cli-job\/output\/model\.tar\.gz/);
    assert.match(result.stdout, /loss = 0\.2/);
    assert.match(result.stderr, /cli-job {2}InProgress\//, 'the live line shows the status while waiting');

    const listed = await runCli(['jobs', 'list'], env);
    assert.match(listed.stdout, /cli-job\s+Completed\s+Completed/);
    const logs = await runCli(['jobs', 'logs', 'cli-job'], env);
    assert.equal(logs.stdout, 'epoch 1 loss=0.1\nepoch 2 loss=0.2\n');
    const described = JSON.parse((await runCli(['--json', 'jobs', 'describe', 'cli-job'], env)).stdout);
    assert.equal(described.hyperParameters.epochs, '2');
    const readable = await runCli(['jobs', 'describe', 'cli-job'], env);
    assert.match(readable.stdout, /^trainingJobName: cli-job$/m, 'a person gets YAML, not JSON');
    assert.match(readable.stdout, /^hyperParameters:\n(?: {2}\S.*\n)*? {2}epochs: "2"$/m);
  });

  test('a typo in a channel path fails before anything runs, naming the channel', async () => {
    const result = await runCli(
      [
        'train',
        '--name',
        'typo',
        '--entry-point',
        'train.sh',
        '--source-dir',
        join(work.path, 'src'),
        '--channel',
        `train=${join(work.path, 'dta')}`,
      ],
      env,
    );
    assert.equal(result.code, 2, 'a refused input is a usage error');
    assert.match(result.stderr, /channel "train" points at file:\/\/.*\/dta, which does not exist/);
    const listed = await runCli(['jobs', 'list', '--json'], env);
    assert.ok(
      !JSON.parse(listed.stdout).some((job: { trainingJobName: string }) => job.trainingJobName === 'typo'),
    );
  });

  test('jobs logs -f follows a running job; jobs stop stops it', async () => {
    const created = await runCli(
      ['train', '--name', 'long-one', '--entry-point', 'forever.sh', '--source-dir', join(work.path, 'src')],
      env,
    );
    assert.equal(created.code, 0, created.stderr);
    await waitForStatus(
      slipway.client(),
      'long-one',
      (job) => job.secondaryStatus === 'Training',
      'Training',
    );
    const following = runCli(['jobs', 'logs', '-f', 'long-one'], env);
    const stopped = await runCli(['jobs', 'stop', 'long-one'], env);
    assert.match(stopped.stdout, /long-one: Stopping/);
    const followed = await following;
    assert.equal(followed.code, 0);
    assert.match(followed.stdout, /^started\n/);
    const job = await waitForStatus(
      slipway.client(),
      'long-one',
      (j) => j.trainingJobStatus === 'Stopped',
      'Stopped',
    );
    assert.equal(job.secondaryStatus, 'Stopped');
  });

  test('bad flags are refused with the flag named', async () => {
    const result = await runCli(['train', '--entry-point', 'x.sh', '--hp', 'novalue'], env);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--hp: "novalue" is not name=value/);
  });

  test('exit codes: a failed job is 3, a --timeout gives up with 5 while the job runs on, bad flags are 2', async () => {
    writeFileSync(join(work.path, 'src', 'fail.sh'), 'echo "bad data" >&2\nexit 7\n');
    const failed = await runCli(
      [
        'train',
        '--name',
        'fails',
        '--entry-point',
        'fail.sh',
        '--source-dir',
        join(work.path, 'src'),
        '--wait',
      ],
      env,
    );
    assert.equal(failed.code, 3, failed.stderr);
    assert.match(failed.stdout, /fails: Failed/);

    const waited = await runCli(
      [
        'train',
        '--name',
        'outlasts',
        '--entry-point',
        'forever.sh',
        '--source-dir',
        join(work.path, 'src'),
        '--wait',
        '--timeout',
        '1',
      ],
      env,
    );
    assert.equal(waited.code, 5, waited.stderr);
    assert.match(waited.stderr, /gave up waiting after 1 s: outlasts is InProgress\. It keeps running/);
    const running = await slipway
      .client()
      .get<{ trainingJobStatus: string }>('/api/v1/training-jobs/outlasts');
    assert.equal(running.trainingJobStatus, 'InProgress');
    await runCli(['jobs', 'stop', 'outlasts'], env);

    const badTimeout = await runCli(['train', '--entry-point', 'x.sh', '--timeout', 'soon'], env);
    assert.equal(badTimeout.code, 2);
    assert.match(badTimeout.stderr, /--timeout: "soon" is not a positive number of seconds/);
    const unknown = await runCli(['train', '--entrypoint', 'x.sh'], env);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown option '--entrypoint'/);
    const version = await runCli(['--version'], env);
    assert.equal(version.code, 0);
    const help = await runCli(['--help'], env);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Exit codes:\n {2}0 {2}success/);
  });

  test('train --experiment records the job as a run of that experiment', async () => {
    const result = await runCli(
      [
        'train',
        '--name',
        'tracked',
        '--entry-point',
        'train.sh',
        '--source-dir',
        join(work.path, 'src'),
        '--experiment',
        'cli-experiment',
        '--run-name',
        'first-try',
        '--wait',
      ],
      env,
    );
    assert.equal(result.code, 0, result.stderr);
    const run = await slipway.client().get<{ experimentName: string }>('/api/v1/runs/first-try');
    assert.equal(run.experimentName, 'cli-experiment');
    const lonely = await runCli(['train', '--entry-point', 'x.sh', '--run-name', 'r'], env);
    assert.equal(lonely.code, 2);
    assert.match(lonely.stderr, /--run-name: needs --experiment/);
  });
});
