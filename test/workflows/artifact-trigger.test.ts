/** "When a new file lands under the data prefix": a watched prefix announces new objects and a rule starts the workflow. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { tempFolder } from '../helpers/temp.ts';
import { folderWith } from '../helpers/training.ts';
import { waitFor } from '../helpers/wait.ts';

let slipway: TestSlipway;
const work = tempFolder('slipway-artifact-trigger-');
let prefix: string;

before(async () => {
  slipway = await startTestSlipway();
  prefix = `${folderWith(work.path, 'data', { 'old.csv': '1\n' })}/`;
  await slipway.client().post('/api/v1/workflows', {
    name: 'retrain',
    definition: { StartAt: 'Go', States: { Go: { Type: 'Pass', End: true } } },
  });
  await slipway.client().post('/api/v1/triggers', {
    name: 'on-new-data',
    workflowName: 'retrain',
    event: { type: 'artifact.created', detailPrefix: { uri: prefix } },
  });
});
after(async () => {
  await slipway.cleanup();
  work.cleanup();
});

test('a new file under the prefix starts the workflow once, with the file in its input; old files do not', async () => {
  const watcher = slipway.platform.workflows.artifactWatcher;
  assert.deepEqual(await watcher.scan(), [], 'the first scan takes what is there as seen');
  const file = join(work.path, 'data', 'new.csv');
  writeFileSync(file, '2\n');
  assert.deepEqual(await watcher.scan(), [pathToFileURL(file).href]);
  assert.deepEqual(await watcher.scan(), [], 'announced once');

  const execution = await waitFor(async () => {
    const { items } = await slipway
      .client()
      .get<{ items: Array<{ name: string; workflowName: string }> }>('/api/v1/executions');
    return items.find((e) => e.workflowName === 'retrain');
  });
  const described = await slipway
    .client()
    .get<{ input: string; status: string }>(`/api/v1/executions/${execution.name}`);
  const { event, trigger } = JSON.parse(described.input);
  assert.equal(trigger, 'on-new-data');
  assert.equal(event.type, 'artifact.created');
  assert.equal(event.detail.uri, pathToFileURL(file).href);
  assert.equal(event.detail.key, 'new.csv');
  const { items } = await slipway.client().get<{ items: unknown[] }>('/api/v1/executions');
  assert.equal(items.length, 1, 'the old file started nothing');
});
