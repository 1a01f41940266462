/** Runs at the service level, over every store backend: logging, search, compare, events. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Artifacts } from '../../src/artifacts/artifacts.ts';
import type { EventBus } from '../../src/core/events.ts';
import { compareRuns } from '../../src/experiments/compare.ts';
import { ExperimentService } from '../../src/experiments/experiments.ts';
import { MetricStore } from '../../src/experiments/metric-store.ts';
import { searchRuns } from '../../src/experiments/run-search.ts';
import { RunService } from '../../src/experiments/runs.ts';
import { Store } from '../../src/store/store.ts';
import { databaseBackends, type TestDatabase } from '../helpers/databases.ts';
import { eventBusOf } from '../helpers/events.ts';
import { tempFolder } from '../helpers/temp.ts';
import { folderWith } from '../helpers/training.ts';
import { namesField } from '../helpers/wait.ts';

for (const backend of databaseBackends()) {
  describe(`runs on ${backend.name}`, () => {
    let database: TestDatabase;
    let store: Store;
    let events: EventBus;
    let runs: RunService;
    const work = tempFolder('slipway-runs-');

    before(async () => {
      database = await backend.create();
      store = await Store.open(database.url);
      events = eventBusOf(store);
      const artifacts = new Artifacts({
        defaultUrl: pathToFileURL(join(work.path, 'artifacts')).href,
        s3Region: 'us-east-1',
      });
      const experiments = new ExperimentService({ store, events });
      runs = new RunService({ store, events, metrics: new MetricStore(store), artifacts, experiments });
    });
    after(async () => {
      await store.close();
      await database.cleanup();
      work.cleanup();
    });

    const names = (found: { runs: Array<{ runName: string }> }) => found.runs.map((run) => run.runName);

    test('a run keeps its params, tags, metric series and final values; the experiment appears on first use', async () => {
      const run = await runs.create({
        request: { experimentName: 'iris', runName: 'lr-1', params: { C: '1.0' }, tags: { team: 'vision' } },
      });
      assert.equal(run.status, 'Running');
      await runs.logBatch({
        run: 'lr-1',
        batch: {
          metrics: [
            { name: 'loss', value: 0.9, step: 0 },
            { name: 'loss', value: 0.5, step: 1 },
            { name: 'loss', value: 0.2, step: 2, timestamp: '2026-01-02T03:04:05.000Z' },
            { name: 'accuracy', value: 0.93, step: 2 },
          ],
          params: { epochs: '3' },
        },
      });
      // A late point with a lower step is kept in the series but does not become the final value.
      await runs.logBatch({ run: 'lr-1', batch: { metrics: [{ name: 'loss', value: 5, step: 1 }] } });
      const details = await runs.get('lr-1');
      assert.deepEqual(details.params, { C: '1.0', epochs: '3' });
      assert.deepEqual(details.tags, { team: 'vision' });
      assert.equal(details.metrics.loss!.value, 0.2);
      assert.equal(details.metrics.accuracy!.value, 0.93);
      const series = await runs.series('lr-1', 'loss');
      assert.deepEqual(
        series.map((p) => [p.step, p.value]),
        [
          [0, 0.9],
          [1, 0.5],
          [1, 5],
          [2, 0.2],
        ],
      );
      assert.equal(series[3]!.time, Date.parse('2026-01-02T03:04:05.000Z'));
      const created = await events.list({ type: 'run.created' });
      assert.ok(created.some((event) => event.resource === 'run/lr-1'));
    });

    test('a parameter is logged once: a different value is a conflict and the whole batch is rolled back', async () => {
      await assert.rejects(
        runs.logBatch({
          run: 'lr-1',
          batch: { metrics: [{ name: 'rolled-back', value: 1 }], params: { C: '2.0' } },
        }),
        (error: any) => error.code === 'SLIPWAY_RUN_PARAM_CHANGED' && /params\.C/.test(error.message),
      );
      assert.deepEqual(
        await runs.series('lr-1', 'rolled-back'),
        [],
        'the metric in the failed batch was not kept',
      );
      await runs.logBatch({ run: 'lr-1', batch: { params: { C: '1.0' } } });
    });

    test('a bad timestamp names its point', async () => {
      await assert.rejects(
        runs.logBatch({
          run: 'lr-1',
          batch: {
            metrics: [
              { name: 'a', value: 1 },
              { name: 'b', value: 2, timestamp: 'yesterday' },
            ],
          },
        }),
        namesField('metrics[1].timestamp'),
      );
    });

    test('search filters by metric, param, tag and attribute, and orders by a metric with missing values last', async () => {
      for (const [name, c, accuracy, team] of [
        ['svm-a', '0.5', 0.81, 'vision'],
        ['svm-b', '1.0', 0.95, 'vision'],
        ['svm-c', '1.0', 0.91, 'speech'],
        ['svm-d', '2.0', undefined, 'vision'],
      ] as const) {
        await runs.create({
          request: { experimentName: 'svm', runName: name, params: { C: c }, tags: { team } },
        });
        if (accuracy !== undefined)
          await runs.logBatch({
            run: name,
            batch: { metrics: [{ name: 'test:accuracy', value: accuracy }] },
          });
      }
      await runs.end({ run: 'svm-a', status: 'Failed' });
      const search = (filter?: string, orderBy?: string) =>
        searchRuns(store, { experimentNames: ['svm'], filter, orderBy });

      assert.deepEqual(
        names(await search("metrics.test:accuracy > 0.9 and params.C = '1.0'", 'metrics.test:accuracy desc')),
        ['svm-b', 'svm-c'],
      );
      assert.deepEqual(names(await search('metrics.`test:accuracy` >= 0.81', 'metrics.test:accuracy asc')), [
        'svm-a',
        'svm-c',
        'svm-b',
      ]);
      assert.deepEqual(names(await search(`tags.team = "speech"`)), ['svm-c']);
      assert.deepEqual(names(await search(`params.C != '1.0'`, 'params.C asc')), ['svm-a', 'svm-d']);
      assert.deepEqual(names(await search(`attributes.status = 'Failed'`)), ['svm-a']);
      assert.deepEqual(names(await search(undefined, 'metrics.test:accuracy desc')), [
        'svm-b',
        'svm-c',
        'svm-a',
        'svm-d',
      ]);
      assert.deepEqual(names(await search(undefined, 'metrics.test:accuracy asc')), [
        'svm-a',
        'svm-c',
        'svm-b',
        'svm-d',
      ]);

      const first = await searchRuns(store, {
        experimentNames: ['svm'],
        orderBy: 'attributes.runName asc',
        limit: 3,
      });
      assert.deepEqual(names(first), ['svm-a', 'svm-b', 'svm-c']);
      const second = await searchRuns(store, {
        experimentNames: ['svm'],
        orderBy: 'attributes.runName asc',
        limit: 3,
        nextToken: first.nextToken,
      });
      assert.deepEqual(names(second), ['svm-d']);
      assert.equal(second.nextToken, undefined);
    });

    test('a bad filter is a validation error naming the offending token', async () => {
      const cases: Array<[string, RegExp]> = [
        ["metrics.accuracy > 'high'", /'high'|"high"/],
        ['params.C > 1', /quote the value/],
        ["params.C > '1'", /only be compared with = or !=/],
        ['metrics.accuracy >> 0.9', /">"/],
        ['metrics.accuracy > 0.9 or params.C = 1', /"or"/],
        ["bogus.x = 'y'", /bogus\.x/],
        ["attributes.colour = 'red'", /unknown attribute "colour"/],
        ['metrics.a > 1; drop table runs', /drop|;/],
      ];
      for (const [filter, reason] of cases) {
        await assert.rejects(searchRuns(store, { filter }), (error: any) => {
          assert.equal(error.kind, 'validation', filter);
          assert.equal(error.details.field, 'filter', filter);
          assert.match(error.message, reason, filter);
          return true;
        });
      }
      await assert.rejects(searchRuns(store, { orderBy: 'metrics.a sideways' }), namesField('orderBy'));
    });

    test('compare: differing and shared params, final metrics, and plot series', async () => {
      await runs.logBatch({
        run: 'svm-b',
        batch: {
          metrics: [0.3, 0.2, 0.1].map((value, step) => ({ name: 'loss', value, step })),
          params: { kernel: 'rbf' },
        },
      });
      await runs.logBatch({ run: 'svm-c', batch: { params: { kernel: 'rbf' } } });
      const comparison = await compareRuns(runs, { names: ['svm-b', 'svm-c'] });
      assert.deepEqual(comparison.params.differing, {});
      assert.deepEqual(comparison.params.same, { C: '1.0', kernel: 'rbf' });
      assert.deepEqual(comparison.metrics['test:accuracy'], { 'svm-b': 0.95, 'svm-c': 0.91 });
      assert.deepEqual(comparison.metrics.loss, { 'svm-b': 0.1, 'svm-c': null });
      assert.deepEqual(comparison.series.loss!['svm-b'], { steps: [0, 1, 2], values: [0.3, 0.2, 0.1] });

      const differing = await compareRuns(runs, { names: ['svm-a', 'svm-b'] });
      assert.deepEqual(differing.params.differing.C, { 'svm-a': '0.5', 'svm-b': '1.0' });
      assert.deepEqual(differing.params.differing.kernel, { 'svm-a': null, 'svm-b': 'rbf' });
      await assert.rejects(compareRuns(runs, { names: ['svm-a'] }), namesField('runs'));
    });

    test('an ended run refuses more metrics; its duration and status are kept', async () => {
      const ended = await runs.end({ run: 'svm-b' });
      assert.equal(ended.status, 'Completed');
      assert.ok(ended.endTime! >= ended.startTime);
      await assert.rejects(
        runs.logBatch({ run: 'svm-b', batch: { metrics: [{ name: 'late', value: 1 }] } }),
        { code: 'SLIPWAY_RUN_ENDED' },
      );
      const completed = await events.list({ type: 'run.completed', resource: 'run/svm-b' });
      assert.equal(completed.length, 1);
    });

    test('a run records the content hash of its source folder and data, and its artifacts', async () => {
      const code = folderWith(work.path, 'code', { 'train.py': 'print(1)\n', 'requirements.txt': 'numpy\n' });
      const dataFile = join(work.path, 'data.csv');
      writeFileSync(dataFile, 'a,b\n1,2\n');
      const run = await runs.create({
        request: {
          experimentName: 'hashes',
          runName: 'hashed',
          sourceUri: code,
          inputData: [{ name: 'train', uri: pathToFileURL(dataFile).href }],
        },
      });
      assert.match(run.data.source!.sha256, /^[0-9a-f]{64}$/);
      assert.match(run.data.source!.lockFiles!['requirements.txt']!, /^[0-9a-f]{64}$/);
      assert.equal(run.data.inputData![0]!.sha256, createHash('sha256').update('a,b\n1,2\n').digest('hex'));
      const again = await runs.create({
        request: { experimentName: 'hashes', runName: 'hashed-2', sourceUri: code },
      });
      assert.equal(again.data.source!.sha256, run.data.source!.sha256, 'the folder hash is deterministic');
      writeFileSync(join(new URL(code).pathname, 'train.py'), 'print(2)\n');
      const changed = await runs.create({
        request: { experimentName: 'hashes', runName: 'hashed-3', sourceUri: code },
      });
      assert.notEqual(changed.data.source!.sha256, run.data.source!.sha256);

      const artifact = await runs.addArtifact({
        run: 'hashed',
        path: 'plots/roc.txt',
        body: Buffer.from('roc'),
      });
      assert.equal(artifact.size, 3);
      assert.deepEqual(
        (await runs.get('hashed')).data.artifacts!.map((a) => a.path),
        ['plots/roc.txt'],
      );
      await assert.rejects(
        runs.addArtifact({ run: 'hashed', path: '../escape', body: Buffer.from('x') }),
        namesField('path'),
      );
    });
  });
}
