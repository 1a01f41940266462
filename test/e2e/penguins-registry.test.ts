/**
 * The penguins walkthrough through tracking, the registry and lineage (JOURNEY.md steps 3, 5, 6):
 * train the scikit-learn script as a training job, see its run, register it, approve it, deploy the
 * approved version, then ask lineage both ways: what produced the model behind the endpoint, and
 * which endpoints serve models trained on the training data.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { preparePenguins } from '../../examples/penguins/prepare.ts';
import { invoke, waitForEndpoint } from '../helpers/hosting.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { tempFolder } from '../helpers/temp.ts';
import { waitForEnd } from '../helpers/training.ts';
import { waitFor } from '../helpers/wait.ts';

type Described = Record<string, any>;
const example = join(import.meta.dirname, '..', '..', 'examples', 'penguins');

/** Every node of a lineage tree, depth first. */
function flatten(node: Described): Described[] {
  return [node, ...node.children.flatMap(flatten)];
}

describe('penguins: run, registry, approval, deploy of a version, lineage both ways', () => {
  const work = tempFolder('slipway-penguins-registry-');
  let slipway: TestSlipway;
  let data: ReturnType<typeof preparePenguins>;
  let approver: string;
  const trainUri = () => pathToFileURL(join(work.path, 'train')).href;
  const codeUri = pathToFileURL(join(example, 'code')).href;

  before(async () => {
    // An approver token puts the server in team mode: data and code from data roots, run on the host.
    slipway = await startTestSlipway({
      config: {
        dataRoots: [pathToFileURL(work.path).href, pathToFileURL(example).href],
        allowProcessRuntime: true,
      },
    });
    data = preparePenguins({ input: join(example, 'data', 'penguins.csv'), output: work.path });
    approver = (
      await slipway.client().post<{ token: string }>('/api/v1/tokens', { name: 'reviewer', role: 'approver' })
    ).token;
  });
  after(async () => {
    await slipway.cleanup();
    work.cleanup();
  });

  test('the training job records a run with its metrics, hyperparameters, code and data hashes', async () => {
    await slipway.client().post('/api/v1/training-jobs', {
      trainingJobName: 'penguins-tracked',
      algorithmSpecification: {
        metricDefinitions: [
          { name: 'train:accuracy', regex: 'train:accuracy=([0-9.]+)' },
          { name: 'test:accuracy', regex: 'test:accuracy=([0-9.]+)' },
        ],
      },
      hyperParameters: { sagemaker_program: 'train.py', sagemaker_submit_directory: codeUri, C: '1.0' },
      inputDataConfig: [
        { channelName: 'train', dataSource: { s3DataSource: { s3Uri: trainUri() } } },
        {
          channelName: 'test',
          dataSource: { s3DataSource: { s3Uri: pathToFileURL(join(work.path, 'test')).href } },
        },
      ],
      experimentConfig: { experimentName: 'penguins', runName: 'penguins-c1' },
    });
    const job = await waitForEnd(slipway.client(), 'penguins-tracked');
    assert.equal(job.trainingJobStatus, 'Completed', job.failureReason);
    const run = await waitFor(async () => {
      const found = await slipway.client().get<Described>('/api/v1/runs/penguins-c1');
      return found.status === 'Completed' ? found : undefined;
    });
    assert.ok(run.metrics['test:accuracy'] >= 0.85, JSON.stringify(run.metrics));
    assert.equal(run.params.C, '1.0');
    assert.match(run.source.sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(
      run.inputData.map((input: Described) => input.name),
      ['train', 'test'],
    );
    assert.match(run.environment.python, /^3\.\d+\.\d+$/);
    // The example lives in this repository: its git commit is recorded.
    assert.match(run.source.git.commit, /^[0-9a-f]{40}$/);
  });

  test('registered, refused to the scientist, approved by the approver, deployed as a version', async () => {
    await slipway.client().post('/api/v1/model-package-groups', {
      modelPackageGroupName: 'penguins',
      requiredMetrics: { 'test:accuracy': { min: 0.8 } },
    });
    const version = await slipway.client().post<Described>('/api/v1/model-packages', {
      modelPackageGroupName: 'penguins',
      trainingJobName: 'penguins-tracked',
    });
    assert.equal(version.runName, 'penguins-c1');
    const scientist = (
      await slipway.client().post<{ token: string }>('/api/v1/tokens', { name: 'her', role: 'scientist' })
    ).token;
    await assert.rejects(slipway.client(scientist).post('/api/v1/model-packages/penguins/1/approve', {}), {
      kind: 'forbidden',
    });
    await slipway.client(approver).post('/api/v1/model-packages/penguins/1/approve', {});
    await slipway
      .client(scientist)
      .request('PUT', '/api/v1/model-package-groups/penguins/aliases/champion', { version: 1 });
    await slipway
      .client(scientist)
      .post('/api/v1/model-packages/penguins/champion/deploy', { endpointName: 'penguins-prod' });
    await waitForEndpoint(slipway.client(), 'penguins-prod');
    const row = readFileSync(data.test, 'utf8').trim().split('\n')[1]!.split(',').slice(1).join(',');
    const answer = await invoke(slipway.url, slipway.adminToken, 'penguins-prod', `${row}\n`);
    assert.equal(answer.status, 200, answer.text);
    assert.equal(JSON.parse(answer.text).predictions.length, 1);
  });

  test('upstream from the endpoint: model, registry version, artifact, training job, data and code', async () => {
    const lineage = await waitFor(async () => {
      const found = await slipway.client().get<Described>('/api/v1/lineage/endpoint/penguins-prod', {
        direction: 'upstream',
      });
      return found.nodes.some((node: Described) => node.kind === 'dataset') ? found : undefined;
    });
    const kinds = new Set(lineage.nodes.map((node: Described) => node.kind));
    for (const kind of ['model', 'model-package', 'model-artifact', 'training-job', 'dataset', 'code']) {
      assert.ok(kinds.has(kind), `${kind} in ${[...kinds].join(', ')}`);
    }
    const job = lineage.nodes.find((node: Described) => node.kind === 'training-job');
    assert.equal(job.name, 'penguins-tracked');
    const train = lineage.nodes.find(
      (node: Described) => node.kind === 'dataset' && node.name === trainUri(),
    );
    assert.match(train.sha256, /^[0-9a-f]{64}$/);
    const model = lineage.root.children[0];
    assert.equal(model.kind, 'model');
    assert.equal(model.relation, 'deployed-as');
    const artifact = flatten(lineage.root).find((node) => node.kind === 'model-artifact')!;
    assert.equal(artifact.children[0].relation, 'produced-by');
    assert.equal(artifact.children[0].name, 'penguins-tracked');
  });

  test('downstream from the training data: the endpoint serving a model trained on it', async () => {
    const lineage = await slipway
      .client()
      .get<Described>(`/api/v1/lineage/dataset/${encodeURIComponent(trainUri())}`, {
        direction: 'downstream',
      });
    const endpoints = lineage.nodes
      .filter((node: Described) => node.kind === 'endpoint')
      .map((node: Described) => node.name);
    assert.deepEqual(endpoints, ['penguins-prod']);
    const shallow = await slipway
      .client()
      .get<Described>(`/api/v1/lineage/dataset/${trainUri()}`, { direction: 'downstream', depth: 1 });
    assert.deepEqual(
      shallow.nodes.map((node: Described) => node.kind),
      ['training-job'],
    );
    assert.equal(shallow.truncated, true);
  });
});
