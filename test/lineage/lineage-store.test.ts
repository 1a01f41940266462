/** The lineage graph at the service level, over every store backend. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LineageService } from '../../src/lineage/service.ts';
import type { LineageTreeNode } from '../../src/lineage/types.ts';
import { Store } from '../../src/store/store.ts';
import { databaseBackends, type TestDatabase } from '../helpers/databases.ts';
import { namesField } from '../helpers/wait.ts';

/** The tree as `kind/name` lines, indented by depth, for whole-shape assertions. */
function outline(node: LineageTreeNode, depth = 0): string[] {
  const line = `${'  '.repeat(depth)}${node.relation ? `${node.relation} ` : ''}${node.kind}/${node.name}${node.repeated ? ' (repeated)' : ''}`;
  return [line, ...node.children.flatMap((child) => outline(child, depth + 1))];
}

for (const backend of databaseBackends()) {
  describe(`lineage on ${backend.name}`, () => {
    let database: TestDatabase;
    let store: Store;
    let lineage: LineageService;

    before(async () => {
      database = await backend.create();
      store = await Store.open(database.url);
      lineage = new LineageService({ store });
      const edge = (
        upstream: [string, string],
        downstream: [string, string],
        type: 'used-by' | 'produced-by' | 'deployed-as',
      ) =>
        lineage.recordEdge({
          upstream: { kind: upstream[0] as any, name: upstream[1] },
          downstream: { kind: downstream[0] as any, name: downstream[1] },
          type,
        });
      await lineage.recordNode({ kind: 'dataset', name: 's3://data/train/', sha256: 'a'.repeat(64) });
      // Two jobs on the same data; job-1's model serves two endpoints, job-2's one.
      await edge(['dataset', 's3://data/train/'], ['training-job', 'job-1'], 'used-by');
      await edge(['dataset', 's3://data/train/'], ['training-job', 'job-2'], 'used-by');
      await edge(['code', 'file:///code'], ['training-job', 'job-1'], 'used-by');
      await edge(['training-job', 'job-1'], ['model-artifact', 's3://out/job-1/model.tar.gz'], 'produced-by');
      await edge(['training-job', 'job-2'], ['model-artifact', 's3://out/job-2/model.tar.gz'], 'produced-by');
      await edge(['model-artifact', 's3://out/job-1/model.tar.gz'], ['model', 'm1'], 'used-by');
      await edge(['model-artifact', 's3://out/job-2/model.tar.gz'], ['model', 'm2'], 'used-by');
      await edge(['code', 'file:///code'], ['model', 'm1'], 'used-by');
      await edge(['model', 'm1'], ['endpoint', 'blue'], 'deployed-as');
      await edge(['model', 'm1'], ['endpoint', 'green'], 'deployed-as');
      await edge(['model', 'm2'], ['endpoint', 'green'], 'deployed-as');
    });
    after(async () => {
      await store.close();
      await database.cleanup();
    });

    test('upstream from an endpoint: the model, its artifact, the job and the data and code it used', async () => {
      const result = await lineage.query({ kind: 'endpoint', name: 'blue', direction: 'upstream' });
      assert.deepEqual(outline(result.root), [
        'endpoint/blue',
        '  deployed-as model/m1',
        '    used-by code/file:///code',
        '    used-by model-artifact/s3://out/job-1/model.tar.gz',
        '      produced-by training-job/job-1',
        '        used-by code/file:///code (repeated)',
        '        used-by dataset/s3://data/train/',
      ]);
      const dataset = result.nodes.find((node) => node.kind === 'dataset')!;
      assert.equal(dataset.sha256, 'a'.repeat(64));
      assert.equal(dataset.depth, 4);
      assert.equal(result.truncated, false);
    });

    test('downstream from a dataset: which endpoints serve models trained on it', async () => {
      const result = await lineage.query({
        kind: 'dataset',
        name: 's3://data/train/',
        direction: 'downstream',
      });
      const endpoints = result.nodes.filter((node) => node.kind === 'endpoint').map((node) => node.name);
      assert.deepEqual(endpoints.sort(), ['blue', 'green']);
      // green is reached through both jobs: expanded once, shown again as repeated.
      const repeated = outline(result.root).filter((line) => line.includes('(repeated)'));
      assert.deepEqual(repeated, ['        deployed-as endpoint/green (repeated)']);
    });

    test('the depth limit stops the walk and says so', async () => {
      const result = await lineage.query({
        kind: 'dataset',
        name: 's3://data/train/',
        direction: 'downstream',
        depth: 2,
      });
      assert.deepEqual(result.nodes.map((node) => `${node.kind}@${node.depth}`).sort(), [
        'model-artifact@2',
        'model-artifact@2',
        'training-job@1',
        'training-job@1',
      ]);
      assert.equal(result.truncated, true);
    });

    test("replacing an endpoint's models drops what it served before", async () => {
      await lineage.replaceUpstream({
        downstream: { kind: 'endpoint', name: 'green' },
        type: 'deployed-as',
        upstream: [{ kind: 'model', name: 'm2' }],
      });
      const result = await lineage.query({
        kind: 'endpoint',
        name: 'green',
        direction: 'upstream',
        depth: 1,
      });
      assert.deepEqual(
        result.nodes.map((node) => node.name),
        ['m2'],
      );
    });

    test('an unknown kind names the field; an unknown node has an empty lineage', async () => {
      await assert.rejects(lineage.query({ kind: 'spaceship', name: 'x' }), namesField('kind'));
      const empty = await lineage.query({ kind: 'endpoint', name: 'nothing' });
      assert.deepEqual(empty.nodes, []);
    });
  });
}
