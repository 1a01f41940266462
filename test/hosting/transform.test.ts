/** Batch transform: a prefix of CSV files through a model, in mini-batches, predictions joined to inputs. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { batches, joinRecord, splitPredictions } from '../../src/hosting/transform/records.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { tempFolder } from '../helpers/temp.ts';
import { folderWith } from '../helpers/training.ts';
import { namesField, waitFor } from '../helpers/wait.ts';

const server = join(import.meta.dirname, '..', 'fixtures', 'hosting', 'sum-model-server.mjs');

test('records: batches respect size and count; predictions split and join', () => {
  assert.deepEqual(batches(['aa', 'bb', 'cc', 'dd', 'ee'], 100, 2), [['aa', 'bb'], ['cc', 'dd'], ['ee']]);
  assert.deepEqual(batches(['aaaa', 'bbbb', 'cc'], 10, 10), [['aaaa', 'bbbb'], ['cc']]);
  assert.deepEqual(splitPredictions('{"predictions":[1,{"a":2}]}', 'application/json', 2), ['1', '{"a":2}']);
  assert.throws(() => splitPredictions('1\n2\n', 'text/csv', 3), /2 predictions for 3 records/);
  assert.equal(joinRecord('1,2', '3', 'text/csv'), '1,2,3');
  assert.equal(
    joinRecord('{"x":1}', '{"p":0.9}', 'application/jsonlines'),
    '{"x":1,"SageMakerOutput":{"p":0.9}}',
  );
});

describe('transform jobs', () => {
  const work = tempFolder('slipway-transform-');
  let slipway: TestSlipway;
  let input: string;
  const output = () => pathToFileURL(join(work.path, 'out')).href;

  before(async () => {
    slipway = await startTestSlipway();
    const rows = (offset: number) => Array.from({ length: 2500 }, (_, i) => `${i + offset},${i}`).join('\n');
    input = folderWith(work.path, 'input', {
      'part-1.csv': `${rows(0)}\n`,
      'part-2.csv': `${rows(10_000)}\n`,
    });
    await slipway.client().post('/api/v1/models', {
      modelName: 'summer',
      primaryContainer: { command: [process.execPath, server] },
      servingType: 'container',
    });
  });
  after(async () => {
    await slipway.cleanup();
    work.cleanup();
  });

  const waitForJob = (name: string) =>
    waitFor(async () => {
      const job = await slipway.client().get<Record<string, any>>(`/api/v1/transform-jobs/${name}`);
      return ['Completed', 'Failed', 'Stopped'].includes(job.transformJobStatus) ? job : undefined;
    });

  test('every record gets its prediction, in order, joined to the input', async () => {
    await slipway.client().post('/api/v1/transform-jobs', {
      transformJobName: 'sums',
      modelName: 'summer',
      transformInput: {
        dataSource: { s3DataSource: { s3Uri: input } },
        contentType: 'text/csv',
        splitType: 'Line',
      },
      transformOutput: { s3OutputPath: output(), assembleWith: 'Line' },
      batchStrategy: 'MultiRecord',
      maxRecordsPerBatch: 100,
      dataProcessing: { joinSource: 'Input' },
      transformResources: { instanceCount: 2 },
    });
    const job = await waitForJob('sums');
    assert.equal(job.transformJobStatus, 'Completed', job.failureReason);
    assert.equal(job.recordsProcessed, 5000);
    assert.equal(job.outputs.length, 2);
    const lines = readFileSync(join(work.path, 'out', 'part-2.csv.out'), 'utf8')
      .trim()
      .split('\n');
    assert.equal(lines.length, 2500);
    assert.deepEqual(
      lines,
      lines.map((_, i) => `${i + 10_000},${i},${2 * i + 10_000}`),
    );
  });

  test('a model that refuses records fails the job with its reason', async () => {
    const bad = folderWith(work.path, 'bad-input', { 'x.csv': 'a,b\n' });
    await slipway.client().post('/api/v1/transform-jobs', {
      transformJobName: 'refused',
      modelName: 'summer',
      transformInput: { dataSource: { s3DataSource: { s3Uri: bad } } },
      transformOutput: { s3OutputPath: output() },
    });
    const job = await waitForJob('refused');
    assert.equal(job.transformJobStatus, 'Failed');
    assert.match(job.failureReason, /rows must be numbers/);
  });

  test('bad specs are refused naming the field', async () => {
    await assert.rejects(
      slipway.client().post('/api/v1/transform-jobs', {
        transformJobName: 'nope',
        modelName: 'summer',
        transformInput: {
          dataSource: { s3DataSource: { s3Uri: pathToFileURL(join(work.path, 'missing')).href } },
        },
        transformOutput: { s3OutputPath: output() },
      }),
      namesField('transformInput.dataSource.s3DataSource.s3Uri'),
    );
    await assert.rejects(
      slipway.client().post('/api/v1/transform-jobs', {
        transformJobName: 'nope',
        modelName: 'absent',
        transformInput: { dataSource: { s3DataSource: { s3Uri: input } } },
        transformOutput: { s3OutputPath: output() },
      }),
      namesField('modelName'),
    );
  });
});
