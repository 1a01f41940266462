/**
 * The model registry over HTTP, on every store backend: versions registered from a training job or
 * by hand, approval gated by role and by the group's required metrics, aliases, events, and
 * concurrent registrations taking distinct versions.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { SlipwayEvent } from '../../src/core/events.ts';
import { databaseBackends, type TestDatabase } from '../helpers/databases.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { tempFolder } from '../helpers/temp.ts';
import { folderWith, shellJob, waitForEnd } from '../helpers/training.ts';
import { namesField, waitFor } from '../helpers/wait.ts';

type Described = Record<string, any>;

for (const backend of databaseBackends()) {
  describe(`model registry on ${backend.name}`, () => {
    let database: TestDatabase;
    let slipway: TestSlipway;
    const work = tempFolder('slipway-registry-');
    let scientist: string;
    let approver: string;
    const delivered: SlipwayEvent[] = [];
    let modelFile: string;

    before(async () => {
      database = await backend.create();
      // Other roles' tokens put the server in team mode: code from a data root, run on the host.
      slipway = await startTestSlipway({
        config: {
          databaseUrl: database.url,
          dataRoots: [pathToFileURL(work.path).href],
          allowProcessRuntime: true,
        },
      });
      slipway.app.events.subscribe('model-package.*', (event) => {
        delivered.push(event);
      });
      scientist = (
        await slipway.client().post<{ token: string }>('/api/v1/tokens', { name: 'sam', role: 'scientist' })
      ).token;
      approver = (
        await slipway.client().post<{ token: string }>('/api/v1/tokens', { name: 'alex', role: 'approver' })
      ).token;
      modelFile = join(work.path, 'model.onnx');
      writeFileSync(modelFile, 'not really onnx');
      await slipway.client().post('/api/v1/model-package-groups', {
        modelPackageGroupName: 'churn',
        description: 'churn classifier',
        requiredMetrics: { accuracy: { min: 0.9 } },
      });
    });
    after(async () => {
      await slipway.cleanup();
      await database.cleanup();
      work.cleanup();
    });

    const as = (token: string) => slipway.client(token);
    const byHand = (metrics?: Record<string, number>) => ({
      modelPackageGroupName: 'churn',
      inferenceSpecification: { primaryContainer: { modelDataUrl: pathToFileURL(modelFile).href } },
      ...(metrics ? { metrics } : {}),
      customMetadata: { dataset: 'q3' },
    });

    test('registering from a training job fills artifact, serving spec, metrics and run; it starts PendingManualApproval', async () => {
      const code = folderWith(work.path, 'code', {
        'train.sh': 'echo "accuracy=0.93"\necho m > "$SM_MODEL_DIR/model.txt"\n',
      });
      await slipway.client().post('/api/v1/training-jobs', {
        ...shellJob('churn-train', { code }),
        algorithmSpecification: { metricDefinitions: [{ name: 'accuracy', regex: 'accuracy=([0-9.]+)' }] },
      });
      const job = await waitForEnd(slipway.client(), 'churn-train');
      assert.equal(job.trainingJobStatus, 'Completed', job.failureReason);
      const v1 = await as(scientist).post<Described>('/api/v1/model-packages', {
        modelPackageGroupName: 'churn',
        trainingJobName: 'churn-train',
        description: 'first',
      });
      assert.equal(v1.modelPackageVersion, 1);
      assert.equal(v1.modelApprovalStatus, 'PendingManualApproval');
      assert.deepEqual(v1.metrics, { accuracy: 0.93 });
      assert.deepEqual(v1.metricSources, { accuracy: 'training-job' });
      assert.equal(v1.modelArtifact.uri, job.modelArtifacts.s3ModelArtifacts);
      assert.equal(v1.modelArtifact.sha256, job.modelArtifacts.sha256);
      assert.equal(
        v1.inferenceSpecification.primaryContainer.modelDataUrl,
        job.modelArtifacts.s3ModelArtifacts,
      );
      assert.equal(v1.inferenceSpecification.primaryContainer.environment.SAGEMAKER_PROGRAM, 'train.sh');
      assert.equal(v1.trainingJobName, 'churn-train');
      assert.equal(v1.runName, 'churn-train');
      assert.equal(v1.approvalHistory[0].by, 'sam');
    });

    test('a scientist cannot approve; an approver can, and the approval records who and when', async () => {
      await assert.rejects(as(scientist).post('/api/v1/model-packages/churn/1/approve', {}), (error: any) => {
        assert.equal(error.kind, 'forbidden');
        assert.match(error.message, /approver/);
        return true;
      });
      assert.equal(
        (await as(scientist).get<Described>('/api/v1/model-packages/churn/1')).modelApprovalStatus,
        'PendingManualApproval',
      );
      const approved = await as(approver).post<Described>('/api/v1/model-packages/churn/1/approve', {
        comment: 'looks good',
      });
      assert.equal(approved.modelApprovalStatus, 'Approved');
      assert.equal(approved.approvedBy, 'alex');
      assert.ok(Date.parse(approved.approvedAt) > 0);
      assert.equal(approved.approvalHistory.at(-1).comment, 'looks good');
    });

    test('a version without the required metric, or below its bound, cannot be approved; it can be rejected', async () => {
      const low = await as(scientist).post<Described>('/api/v1/model-packages', byHand({ accuracy: 0.85 }));
      assert.equal(low.modelPackageVersion, 2);
      assert.match(low.modelArtifact.sha256, /^[0-9a-f]{64}$/);
      await assert.rejects(as(approver).post('/api/v1/model-packages/churn/2/approve', {}), (error: any) => {
        assert.equal(error.code, 'SLIPWAY_REGISTRY_METRIC_OUT_OF_BOUNDS');
        assert.equal(error.kind, 'conflict');
        assert.equal(error.details.metric, 'accuracy');
        assert.match(error.message, /"accuracy" is 0.85, the group requires at least 0.9/);
        return true;
      });
      const none = await as(scientist).post<Described>('/api/v1/model-packages', byHand());
      await assert.rejects(
        as(approver).post(`/api/v1/model-packages/churn/${none.modelPackageVersion}/approve`, {}),
        (error: any) => {
          assert.equal(error.code, 'SLIPWAY_REGISTRY_METRIC_MISSING');
          assert.equal(error.details.metric, 'accuracy');
          return true;
        },
      );
      await assert.rejects(as(scientist).post('/api/v1/model-packages/churn/2/reject', {}), {
        kind: 'forbidden',
      });
      const rejected = await as(approver).post<Described>('/api/v1/model-packages/churn/2/reject', {
        comment: 'too weak',
      });
      assert.equal(rejected.modelApprovalStatus, 'Rejected');
      assert.equal(rejected.rejectedBy, 'alex');
      await assert.rejects(
        as(scientist).post('/api/v1/model-packages/churn/2/deploy', { endpointName: 'churn' }),
        {
          code: 'SLIPWAY_REGISTRY_NOT_APPROVED',
        },
      );
    });

    test('bad registrations name their field', async () => {
      await assert.rejects(
        as(scientist).post('/api/v1/model-packages', { modelPackageGroupName: 'churn' }),
        namesField('inferenceSpecification'),
      );
      await assert.rejects(
        as(scientist).post('/api/v1/model-packages', {
          modelPackageGroupName: 'churn',
          inferenceSpecification: {
            primaryContainer: { modelDataUrl: pathToFileURL(join(work.path, 'missing.onnx')).href },
          },
        }),
        namesField('inferenceSpecification.primaryContainer.modelDataUrl'),
      );
      await assert.rejects(
        as(scientist).post('/api/v1/model-packages', { ...byHand(), metrics: { accuracy: 'high' } }),
        namesField('body.metrics.accuracy'),
      );
      await assert.rejects(
        as(scientist).post('/api/v1/model-packages', { ...byHand(), modelPackageGroupName: 'nope' }),
        {
          kind: 'not_found',
        },
      );
    });

    test('aliases move between versions, resolve in paths, and are listed on their version', async () => {
      await as(scientist).request('PUT', '/api/v1/model-package-groups/churn/aliases/champion', {
        version: 1,
      });
      await as(scientist).request('PUT', '/api/v1/model-package-groups/churn/aliases/staging', {
        version: 2,
      });
      assert.equal(
        (await as(scientist).get<Described>('/api/v1/model-packages/churn/champion')).modelPackageVersion,
        1,
      );
      const group = await as(scientist).request<Described>(
        'PUT',
        '/api/v1/model-package-groups/churn/aliases/champion',
        { version: 2 },
      );
      assert.deepEqual(group.aliases, { champion: 2, staging: 2 });
      const v2 = await as(scientist).get<Described>('/api/v1/model-packages/churn/champion');
      assert.equal(v2.modelPackageVersion, 2);
      assert.deepEqual(v2.aliases.sort(), ['champion', 'staging']);
      assert.deepEqual((await as(scientist).get<Described>('/api/v1/model-packages/churn/1')).aliases, []);
      await assert.rejects(
        as(scientist).request('PUT', '/api/v1/model-package-groups/churn/aliases/latest', { version: 1 }),
        namesField('alias'),
      );
      await assert.rejects(
        as(scientist).request('PUT', '/api/v1/model-package-groups/churn/aliases/prod', { version: 99 }),
        namesField('version'),
      );
      await assert.rejects(as(scientist).get('/api/v1/model-packages/churn/nothing'), {
        code: 'SLIPWAY_REGISTRY_VERSION_NOT_FOUND',
      });
    });

    test('every change is an event on the bus, stored and delivered', async () => {
      const stored = await slipway.app.events.list({ type: 'model-package.*', limit: 1000 });
      const types = stored.map((event) => event.type);
      assert.equal(types.filter((t) => t === 'model-package.created').length, 3);
      assert.deepEqual(
        types.filter((t) => t !== 'model-package.created'),
        [
          'model-package.approved',
          'model-package.rejected',
          'model-package.alias-moved',
          'model-package.alias-moved',
          'model-package.alias-moved',
        ],
      );
      const moved = stored.filter((event) => event.type === 'model-package.alias-moved').at(-1)!;
      assert.deepEqual(
        { alias: moved.detail.alias, from: moved.detail.from, to: moved.detail.to, by: moved.detail.by },
        { alias: 'champion', from: 1, to: 2, by: 'sam' },
      );
      const approved = stored.find((event) => event.type === 'model-package.approved')!;
      assert.equal(approved.resource, 'model-package/churn/1');
      assert.equal(approved.detail.by, 'alex');
      await waitFor(() => delivered.length === stored.length, { what: 'in-process delivery of every event' });
    });

    test('concurrent registrations take distinct versions; listing filters by approval status', async () => {
      const created = await Promise.all(
        [1, 2, 3, 4, 5].map(() =>
          as(scientist).post<Described>('/api/v1/model-packages', byHand({ accuracy: 0.95 })),
        ),
      );
      assert.deepEqual(
        created.map((v) => v.modelPackageVersion).sort((a, b) => a - b),
        [4, 5, 6, 7, 8],
      );
      const approved = await as(scientist).get<Described>('/api/v1/model-packages', {
        modelPackageGroupName: 'churn',
        approvalStatus: 'Approved',
      });
      assert.deepEqual(
        approved.items.map((v: Described) => v.modelPackageVersion),
        [1],
      );
      const all = await as(scientist).get<Described>('/api/v1/model-packages', {
        modelPackageGroupName: 'churn',
        limit: 3,
      });
      assert.equal(all.items.length, 3);
      assert.ok(all.nextToken);
      const group = await as(scientist).get<Described>('/api/v1/model-package-groups/churn');
      assert.equal(group.latestVersion, 8);
    });

    test('only an approver may change the required metrics; a declared value does not meet them', async () => {
      await assert.rejects(
        as(scientist).request('PATCH', '/api/v1/model-package-groups/churn', { requiredMetrics: {} }),
        { kind: 'forbidden' },
      );
      const group = await as(approver).request<Described>('PATCH', '/api/v1/model-package-groups/churn', {
        requiredMetrics: { accuracy: { min: 0.8 } },
      });
      assert.deepEqual(group.requiredMetrics, { accuracy: { min: 0.8 } });
      await assert.rejects(as(approver).post('/api/v1/model-packages/churn/2/approve', {}), (error: any) => {
        assert.equal(error.code, 'SLIPWAY_REGISTRY_METRIC_DECLARED');
        assert.match(error.message, /"accuracy" \(0.85\) is only declared/);
        return true;
      });
      await as(approver).request('PATCH', '/api/v1/model-package-groups/churn', { requiredMetrics: {} });
      const approved = await as(approver).post<Described>('/api/v1/model-packages/churn/2/approve', {});
      assert.equal(
        approved.modelApprovalStatus,
        'Approved',
        'a rejected version can be approved once the gate lets it through',
      );
    });
  });
}
