/**
 * What an approver approves is what gets deployed: a scientist's declared metrics never meet a
 * group's gate nor hide the job's measured value, the serving spec is shown, deployed exactly and
 * cannot be changed, and a model artifact changed on disk after registration fails the deployment
 * naming both hashes.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packDirectory } from '../../src/artifacts/tarball.ts';
import { runCli } from '../helpers/cli.ts';
import { invoke, waitForEndpoint } from '../helpers/hosting.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { tempFolder } from '../helpers/temp.ts';
import { folderWith, shellJob, waitForEnd } from '../helpers/training.ts';
import { namesField } from '../helpers/wait.ts';

type Described = Record<string, any>;
const server = join(import.meta.dirname, '..', 'fixtures', 'hosting', 'echo-model-server.mjs');

async function bytesOf(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
describe('approval integrity', () => {
  const work = tempFolder('slipway-approval-integrity-');
  let slipway: TestSlipway;
  let scientist: string;
  let approver: string;
  const as = (token: string) => slipway.client(token);

  /** A completed job that measures `accuracy` and leaves a model whose tag.txt says `tag`. */
  async function train(name: string, accuracy: number, tag: string): Promise<Described> {
    const code = folderWith(work.path, `code-${name}`, {
      'train.sh': `echo "accuracy=${accuracy}"\necho ${tag} > "$SM_MODEL_DIR/tag.txt"\n`,
    });
    await slipway.client().post('/api/v1/training-jobs', {
      ...shellJob(name, { code }),
      algorithmSpecification: { metricDefinitions: [{ name: 'accuracy', regex: 'accuracy=([0-9.]+)' }] },
    });
    const job = await waitForEnd(slipway.client(), name);
    assert.equal(job.trainingJobStatus, 'Completed', job.failureReason);
    return job;
  }

  before(async () => {
    // The scientist's token puts the server in team mode: code from a data root, run on the host.
    slipway = await startTestSlipway({
      config: { dataRoots: [pathToFileURL(work.path).href], allowProcessRuntime: true },
    });
    scientist = (
      await slipway.client().post<{ token: string }>('/api/v1/tokens', { name: 'sam', role: 'scientist' })
    ).token;
    approver = (
      await slipway.client().post<{ token: string }>('/api/v1/tokens', { name: 'alex', role: 'approver' })
    ).token;
    await slipway.client().post('/api/v1/model-package-groups', {
      modelPackageGroupName: 'gated',
      requiredMetrics: { accuracy: { min: 0.9 } },
    });
    await slipway.client().post('/api/v1/model-package-groups', { modelPackageGroupName: 'open' });
  });
  after(async () => {
    await slipway.cleanup();
    work.cleanup();
  });

  test("a declared metric does not replace the job's: the job's value is gated, the declared one shown apart", async () => {
    await train('weak', 0.5, 'weak');
    const version = await as(scientist).post<Described>('/api/v1/model-packages', {
      modelPackageGroupName: 'gated',
      trainingJobName: 'weak',
      metrics: { accuracy: 0.999, f1: 0.97 },
    });
    assert.deepEqual(version.metrics, { accuracy: 0.5, f1: 0.97 });
    assert.deepEqual(version.metricSources, { accuracy: 'training-job', f1: 'declared' });
    assert.deepEqual(version.declaredMetrics, { accuracy: 0.999, f1: 0.97 });
    await assert.rejects(
      as(approver).post(`/api/v1/model-packages/gated/${version.modelPackageVersion}/approve`, {}),
      (error: any) => {
        assert.equal(error.kind, 'conflict');
        assert.equal(error.details.metric, 'accuracy');
        assert.match(error.message, /"accuracy" is 0.5, the group requires at least 0.9/);
        return true;
      },
    );
    const described = await as(approver).get<Described>(
      `/api/v1/model-packages/gated/${version.modelPackageVersion}`,
    );
    assert.equal(described.modelApprovalStatus, 'PendingManualApproval');
    assert.equal(described.metrics.accuracy, 0.5);
    assert.equal(described.declaredMetrics.accuracy, 0.999);
  });

  test('a value only declared never satisfies the gate, and the refusal says it is only declared', async () => {
    const model = join(work.path, 'model.onnx');
    writeFileSync(model, 'not really onnx');
    const version = await as(scientist).post<Described>('/api/v1/model-packages', {
      modelPackageGroupName: 'gated',
      inferenceSpecification: { primaryContainer: { modelDataUrl: pathToFileURL(model).href } },
      metrics: { accuracy: 0.999 },
    });
    assert.deepEqual(version.metricSources, { accuracy: 'declared' });
    await assert.rejects(
      as(approver).post(`/api/v1/model-packages/gated/${version.modelPackageVersion}/approve`, {}),
      (error: any) => {
        assert.equal(error.code, 'SLIPWAY_REGISTRY_METRIC_DECLARED');
        assert.equal(error.details.metric, 'accuracy');
        assert.match(error.message, /"accuracy" \(0.999\) is only declared/);
        return true;
      },
    );
  });

  test('a measured value meets the gate', async () => {
    await train('strong', 0.95, 'strong');
    const version = await as(scientist).post<Described>('/api/v1/model-packages', {
      modelPackageGroupName: 'gated',
      trainingJobName: 'strong',
    });
    const approved = await as(approver).post<Described>(
      `/api/v1/model-packages/gated/${version.modelPackageVersion}/approve`,
      {},
    );
    assert.equal(approved.modelApprovalStatus, 'Approved');
  });

  test('the serving spec is part of what is approved: shown on describe and approve, deployed exactly, not changeable', async () => {
    const declaredSpec = {
      command: [process.execPath, server],
      modelDataUrl: (await slipway.client().get<Described>('/api/v1/training-jobs/strong')).modelArtifacts
        .s3ModelArtifacts,
      environment: { MODE: 'strict' },
    };
    const version = await as(scientist).post<Described>('/api/v1/model-packages', {
      modelPackageGroupName: 'open',
      trainingJobName: 'strong',
      inferenceSpecification: { primaryContainer: declaredSpec },
    });
    const path = `/api/v1/model-packages/open/${version.modelPackageVersion}`;
    const described = await as(approver).get<Described>(path);
    assert.deepEqual(described.inferenceSpecification.primaryContainer, declaredSpec);
    assert.equal(described.inferenceSpecificationSource, 'declared');

    const env = { SLIPWAY_URL: slipway.url, SLIPWAY_TOKEN: approver };
    const shown = await runCli(['registry', 'describe', 'open', String(version.modelPackageVersion)], env);
    assert.equal(shown.code, 0, shown.stderr);
    assert.ok(shown.stdout.includes(server), shown.stdout);
    assert.match(shown.stdout, /MODE: strict/);
    assert.match(shown.stdout, /inferenceSpecificationSource: declared/);
    assert.match(shown.stdout, /accuracy: training-job/);
    const approved = await runCli(['registry', 'approve', 'open', String(version.modelPackageVersion)], env);
    assert.equal(approved.code, 0, approved.stderr);
    assert.match(approved.stdout, /serves \(declared at registration\): command .*echo-model-server\.mjs/);
    assert.match(approved.stdout, /environment: MODE=strict/);
    assert.ok(approved.stdout.includes(version.modelArtifact.sha256), approved.stdout);

    for (const method of ['PATCH', 'PUT'] as const) {
      await assert.rejects(
        as(scientist).request(method, path, {
          inferenceSpecification: { primaryContainer: { command: ['sh'] } },
        }),
        { kind: 'not_found' },
        `${method} cannot change a version`,
      );
    }
    await assert.rejects(
      as(scientist).post(`${path}/deploy`, { endpointName: 'strict', environment: { MODE: 'lax' } }),
      namesField('environment'),
    );
    const endpoint = await as(scientist).post<Described>(`${path}/deploy`, { endpointName: 'strict' });
    const config = await slipway
      .client()
      .get<Described>(`/api/v1/endpoint-configs/${endpoint.endpointConfigName}`);
    const model = await slipway
      .client()
      .get<Described>(`/api/v1/models/${config.productionVariants[0].modelName}`);
    assert.deepEqual(model.primaryContainer, declaredSpec);
    assert.equal(model.modelDataSha256, version.modelArtifact.sha256);
    await waitForEndpoint(slipway.client(), 'strict');
  });

  test('a model artifact overwritten after registration fails the deployment, naming both hashes', async () => {
    const job = await train('served', 0.9, 'original');
    const version = await as(scientist).post<Described>('/api/v1/model-packages', {
      modelPackageGroupName: 'open',
      trainingJobName: 'served',
      inferenceSpecification: {
        primaryContainer: {
          command: [process.execPath, server],
          modelDataUrl: job.modelArtifacts.s3ModelArtifacts,
        },
      },
    });
    const expected = job.modelArtifacts.sha256;
    assert.equal(version.modelArtifact.sha256, expected);
    await as(approver).post(`/api/v1/model-packages/open/${version.modelPackageVersion}/approve`, {});

    await as(scientist).post(`/api/v1/model-packages/open/${version.modelPackageVersion}/deploy`, {
      endpointName: 'untouched',
    });
    await waitForEndpoint(slipway.client(), 'untouched');
    const answer = await invoke(slipway.url, slipway.adminToken, 'untouched', 'a\n');
    assert.equal(answer.status, 200, answer.text);
    assert.equal(JSON.parse(answer.text).tag, 'original');

    const file = fileURLToPath(job.modelArtifacts.s3ModelArtifacts);
    assert.ok(file.startsWith(slipway.home), `${file} is in the server's artifact store`);
    const swapped = join(work.path, 'swapped');
    mkdirSync(swapped);
    writeFileSync(join(swapped, 'tag.txt'), 'swapped');
    writeFileSync(file, await bytesOf(await packDirectory(swapped)));
    const found = createHash('sha256').update(readFileSync(file)).digest('hex');
    assert.notEqual(found, expected);

    await as(scientist).post(`/api/v1/model-packages/open/${version.modelPackageVersion}/deploy`, {
      endpointName: 'tampered',
    });
    const failed = await waitForEndpoint(slipway.client(), 'tampered', 'Failed');
    assert.ok(failed.failureReason.includes(expected), failed.failureReason);
    assert.ok(failed.failureReason.includes(found), failed.failureReason);
  });

  test('inference code changed after registration fails the deployment, naming both hashes', async () => {
    const code = folderWith(work.path, 'inference-code', { 'inference.py': 'def model_fn(d): return 1\n' });
    const version = await as(scientist).post<Described>('/api/v1/model-packages', {
      modelPackageGroupName: 'open',
      trainingJobName: 'strong',
      inferenceSpecification: {
        primaryContainer: {
          command: [process.execPath, server],
          modelDataUrl: (await slipway.client().get<Described>('/api/v1/training-jobs/strong')).modelArtifacts
            .s3ModelArtifacts,
          environment: { SAGEMAKER_SUBMIT_DIRECTORY: code },
        },
      },
    });
    const expected = version.code.sha256;
    assert.match(expected, /^[0-9a-f]{64}$/);
    const path = `/api/v1/model-packages/open/${version.modelPackageVersion}`;
    await as(approver).post(`${path}/approve`, {});
    await as(scientist).post(`${path}/deploy`, { endpointName: 'code-untouched' });
    await waitForEndpoint(slipway.client(), 'code-untouched');

    writeFileSync(join(fileURLToPath(code), 'inference.py'), 'import os\nos.system("id")\n');
    await as(scientist).post(`${path}/deploy`, { endpointName: 'code-tampered' });
    const failed = await waitForEndpoint(slipway.client(), 'code-tampered', 'Failed');
    assert.ok(failed.failureReason.includes(`expected sha256 ${expected}`), failed.failureReason);
    const found = /found sha256 ([0-9a-f]{64})/.exec(failed.failureReason)?.[1];
    assert.ok(found && found !== expected, failed.failureReason);
    assert.match(failed.failureReason, /SAGEMAKER_SUBMIT_DIRECTORY/);
  });

  test('a version stored before sources were kept counts a value as measured only if its job reports it', async () => {
    const legacy = async (metrics: Record<string, number>) => {
      const version = await as(scientist).post<Described>('/api/v1/model-packages', {
        modelPackageGroupName: 'gated',
        trainingJobName: 'strong',
      });
      const name = `gated/${version.modelPackageVersion}`;
      await slipway.app.store.mutateResource<Described, Described>({
        kind: 'model-package',
        name,
        change: (current) => {
          const { metricSources: _dropped, ...spec } = current.spec;
          return { spec: { ...spec, metrics } };
        },
      });
      return `/api/v1/model-packages/${name}/approve`;
    };
    const forged = await legacy({ accuracy: 0.999 });
    await assert.rejects(as(approver).post(forged, {}), { code: 'SLIPWAY_REGISTRY_METRIC_DECLARED' });
    const measured = await legacy({ accuracy: 0.95 });
    assert.equal((await as(approver).post<Described>(measured, {})).modelApprovalStatus, 'Approved');
  });
});
