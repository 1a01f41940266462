/** `slipway lineage` reads each edge from the parent line to the child line, both ways. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderTree } from '../../src/cli/commands/lineage.ts';

const node = (kind: string, name: string, relation?: string, children: object[] = []) => ({
  kind,
  name,
  relation,
  children,
});

test('upstream: an endpoint serves a model, an artifact was produced by its job, a job uses its data', () => {
  const tree = node('endpoint', 'penguins', undefined, [
    node('model', 'm1', 'deployed-as', [
      node('model-artifact', 'a1', 'used-by', [
        node('training-job', 'j1', 'produced-by', [node('dataset', 'd1', 'used-by')]),
      ]),
    ]),
  ]);
  assert.equal(
    renderTree(tree, 'upstream'),
    [
      'endpoint/penguins',
      '└─ serves model/m1',
      '   └─ uses model-artifact/a1',
      '      └─ produced by training-job/j1',
      '         └─ uses dataset/d1',
    ].join('\n'),
  );
});

test('downstream: a dataset is used by a job, which produced an artifact', () => {
  const tree = node('dataset', 'd1', undefined, [
    node('training-job', 'j1', 'used-by', [node('model-artifact', 'a1', 'produced-by')]),
  ]);
  assert.equal(
    renderTree(tree, 'downstream'),
    ['dataset/d1', '└─ used by training-job/j1', '   └─ produced model-artifact/a1'].join('\n'),
  );
});
