/** `slipway experiments|runs|registry|lineage` as a user types them, against a real server. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { tempFolder } from '../helpers/temp.ts';
import { folderWith, shellJob, waitForEnd } from '../helpers/training.ts';

describe('slipway experiments / runs / registry / lineage', () => {
  let slipway: TestSlipway;
  let env: NodeJS.ProcessEnv;
  const work = tempFolder('slipway-registry-cli-');

  before(async () => {
    slipway = await startTestSlipway();
    env = { SLIPWAY_URL: slipway.url, SLIPWAY_TOKEN: slipway.adminToken };
    const client = slipway.client();
    for (const [run, c, accuracy] of [
      ['cli-a', '0.5', 0.82],
      ['cli-b', '1.0', 0.94],
    ] as const) {
      await client.post('/api/v1/runs', {
        experimentName: 'cli',
        runName: run,
        params: { C: c, kernel: 'rbf' },
      });
      await client.post(`/api/v1/runs/${run}/metrics`, {
        metrics: [{ name: 'accuracy', value: accuracy, step: 0 }],
      });
    }
  });
  after(async () => {
    await slipway.cleanup();
    work.cleanup();
  });

  test('experiments list and runs list with a filter and an order', async () => {
    const experiments = await runCli(['experiments', 'list'], env);
    assert.equal(experiments.code, 0, experiments.stderr);
    assert.match(experiments.stdout, /^cli\s+2\s/m);
    const runs = await runCli(
      ['runs', 'list', '--experiment', 'cli', '--order-by', 'metrics.accuracy desc'],
      env,
    );
    assert.equal(runs.code, 0, runs.stderr);
    const lines = runs.stdout.trim().split('\n');
    assert.match(lines[0]!, /^RUN\s+EXPERIMENT\s+STATUS/);
    assert.match(lines[1]!, /^cli-b\s+cli\s+Running .*accuracy=0.94/);
    assert.match(lines[2]!, /^cli-a\s/);
    const filtered = await runCli(['runs', 'list', '--filter', "params.C = '0.5'"], env);
    assert.deepEqual(
      filtered.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(/\s+/)[0]),
      ['cli-a'],
    );
    const bad = await runCli(['runs', 'list', '--filter', 'metrics.accuracy ~ 1'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /filter: .*"~"/);
  });

  test('runs metrics shows each series as numbers and a sparkline', async () => {
    await slipway.client().post('/api/v1/runs/cli-a/metrics', {
      metrics: [1, 2, 3].map((step) => ({ name: 'loss', value: 1 / step, step })),
    });
    const all = await runCli(['runs', 'metrics', 'cli-a'], env);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /^METRIC\s+POINTS\s+FIRST\s+LAST\s+MIN\s+MAX\s+SHAPE$/m);
    assert.match(all.stdout, /^loss\s+3\s+1\s+0\.3333\s+0\.3333\s+1\s+█▃▁$/m);
    const one = await runCli(['runs', 'metrics', 'cli-a', 'loss'], env);
    assert.match(one.stdout, /^loss {2}█▃▁\nSTEP\s+VALUE\s+TIME\n1\s+1\s+\d{4}-/);
    const json = JSON.parse((await runCli(['--json', 'runs', 'metrics', 'cli-a', 'loss'], env)).stdout);
    assert.deepEqual(json.steps, [1, 2, 3]);
  });

  test('runs compare prints a table with differing parameters marked', async () => {
    const compared = await runCli(['runs', 'compare', 'cli-a', 'cli-b'], env);
    assert.equal(compared.code, 0, compared.stderr);
    const lines = compared.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^\s+CLI-A\s+CLI-B$/);
    assert.ok(
      lines.some((line) => /^\* params\.C\s+0\.5\s+1\.0$/.test(line)),
      compared.stdout,
    );
    assert.ok(
      lines.some((line) => /^ {2}params\.kernel\s+rbf\s+rbf$/.test(line)),
      compared.stdout,
    );
    assert.ok(
      lines.some((line) => /^ {2}metrics\.accuracy\s+0\.82\s+0\.94$/.test(line)),
      compared.stdout,
    );
    const shown = await runCli(['runs', 'show', 'cli-b'], env);
    assert.match(shown.stdout, /cli-b {2}Running {2}experiment cli/);
    const refused = await runCli(['runs', 'reproduce', 'cli-b'], env);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /cannot be reproduced: it was not recorded from a training job/);
  });

  test('registry: create a group with a gate, register, approve, alias, list versions; lineage as a tree', async () => {
    const model = join(work.path, 'model.onnx');
    writeFileSync(model, 'bytes');
    const group = await runCli(['registry', 'create-group', 'fraud', '--min', 'auc=0.8'], env);
    assert.equal(group.code, 0, group.stderr);
    const registered = await runCli(
      ['registry', 'register', 'fraud', '--model-data', model, '--metric', 'auc=0.75'],
      env,
    );
    assert.equal(registered.code, 0, registered.stderr);
    assert.match(registered.stdout, /registered fraud version 1: PendingManualApproval/);
    const refused = await runCli(['registry', 'approve', 'fraud', '1'], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /metric "auc" is 0.75, the group requires at least 0.8/);
    await runCli(['registry', 'register', 'fraud', '--model-data', model, '--metric', 'auc=0.85'], env);
    const declared = await runCli(['registry', 'approve', 'fraud', '2'], env);
    assert.equal(declared.code, 1);
    assert.match(declared.stderr, /metric "auc" \(0.85\) is only declared/);
    await slipway.client().post('/api/v1/training-jobs', {
      ...shellJob('fraud-train', {
        code: folderWith(work.path, 'code', { 'train.sh': 'echo "auc=0.85"\necho m > "$SM_MODEL_DIR/m"\n' }),
      }),
      algorithmSpecification: { metricDefinitions: [{ name: 'auc', regex: 'auc=([0-9.]+)' }] },
    });
    assert.equal((await waitForEnd(slipway.client(), 'fraud-train')).trainingJobStatus, 'Completed');
    const trained = await runCli(['registry', 'register', 'fraud', '--training-job', 'fraud-train'], env);
    assert.equal(trained.code, 0, trained.stderr);
    assert.match(trained.stdout, /registered fraud version 3: PendingManualApproval/);
    const approved = await runCli(['registry', 'approve', 'fraud', 'latest', '--comment', 'ok'], env);
    assert.equal(approved.code, 0, approved.stderr);
    assert.match(approved.stdout, /approved fraud version 3: Approved by /);
    const alias = await runCli(['registry', 'alias', 'fraud', 'champion', '3'], env);
    assert.equal(alias.code, 0, alias.stderr);
    const versions = await runCli(['registry', 'versions', 'fraud'], env);
    assert.match(versions.stdout, /^3\s+Approved\s+champion\s+auc=0.85\s+fraud-train/m);
    assert.match(versions.stdout, /^2\s+PendingManualApproval\s+-\s+auc=0.85 \(declared\)/m);
    assert.match(versions.stdout, /^1\s+PendingManualApproval\s+-\s+auc=0.75/m);
    const groups = await runCli(['registry', 'groups'], env);
    assert.match(groups.stdout, /^fraud\s+3\s+champion=3\s+auc>=0.8$/m);

    const tree = await runCli(['lineage', 'model-package/fraud/2'], env);
    assert.equal(tree.code, 0, tree.stderr);
    const lines = tree.stdout.trim().split('\n');
    assert.equal(lines[0], 'model-package/fraud/2 sha256 ' + lines[0]!.split('sha256 ')[1]);
    assert.match(lines[1]!, /^└─ uses model-artifact\/file:\/\/.*model\.onnx sha256 [0-9a-f]{12}…$/);
    const badResource = await runCli(['lineage', 'endpoint'], env);
    assert.equal(badResource.code, 2);
    assert.match(badResource.stderr, /is not <kind>\/<name>/);
  });
});
