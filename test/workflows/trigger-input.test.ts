/**
 * A trigger's input template: every fire gets values of its own (a unique run id, the new file's
 * URI, the slot's time), so a weekly or new-file pipeline runs again and again without collisions.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createLogger } from '../../src/core/logging.ts';
import { TriggerController } from '../../src/workflows/triggers/trigger-controller.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { type Described, waitForExecution } from './helpers.ts';

let slipway: TestSlipway;
before(async () => {
  slipway = await startTestSlipway();
  await slipway.client().post('/api/v1/workflows', {
    name: 'echo-input',
    definition: { StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } },
  });
});
after(() => slipway.cleanup());

it('refuses a template whose path does not parse, naming the key', async () => {
  await assert.rejects(
    slipway.client().post('/api/v1/triggers', {
      name: 'bad-template',
      workflowName: 'echo-input',
      webhook: true,
      input: { 'RunId.$': '$..[oops' },
    }),
    (e: Described) => e.details.field === 'input.RunId.$',
  );
});

it('a new-file rule hands each file to its own run, named after the fire', async () => {
  const client = slipway.client();
  await client.post('/api/v1/triggers', {
    name: 'new-data',
    workflowName: 'echo-input',
    event: { type: 'artifact.created', detailPrefix: { uri: 's3://bucket/data/' } },
    input: {
      'RunId.$': '$.executionName',
      'DataUri.$': '$.event.detail.uri',
      'Label.$': "States.Format('retrain {}', $.event.detail.uri)",
      EndpointName: 'penguins',
    },
  });
  const inputs: Described[] = [];
  for (const file of ['2024.csv', '2025.csv']) {
    const event = await slipway.app.events.publish({
      resource: `artifact/${file}`,
      type: 'artifact.created',
      detail: { uri: `s3://bucket/data/${file}` },
    });
    const run = await waitForExecution(client, `new-data-e${event.id}`);
    inputs.push(JSON.parse(run.input));
  }
  assert.deepEqual(
    inputs.map((input) => [input.RunId, input.DataUri, input.Label, input.EndpointName]),
    [
      [inputs[0]!.RunId, 's3://bucket/data/2024.csv', 'retrain s3://bucket/data/2024.csv', 'penguins'],
      [inputs[1]!.RunId, 's3://bucket/data/2025.csv', 'retrain s3://bucket/data/2025.csv', 'penguins'],
    ],
  );
  assert.match(inputs[0]!.RunId, /^new-data-e\d+$/);
  assert.notEqual(inputs[0]!.RunId, inputs[1]!.RunId, 'each fire has its own run id');
  assert.equal(
    inputs[0]!.event.detail.uri,
    's3://bucket/data/2024.csv',
    'the event stays beside the template',
  );
});

it('a schedule fire reads its slot time; a path the fire lacks fails that fire and says why', async () => {
  const client = slipway.client();
  const created = await client.post<Described>('/api/v1/triggers', {
    name: 'hourly',
    workflowName: 'echo-input',
    schedule: { rate: 'rate(1 hour)' },
    input: { 'SlotTime.$': '$.event.time', 'RunId.$': '$.executionName' },
  });
  await client.post('/api/v1/triggers', {
    name: 'hourly-wrong',
    workflowName: 'echo-input',
    schedule: { rate: 'rate(1 hour)' },
    input: { 'DataUri.$': '$.event.detail.uri' },
  });
  const anchor = Date.parse(created.creationTime);
  const scheduler = new TriggerController({
    triggers: slipway.platform.workflows.triggers,
    events: slipway.app.events,
    clock: { now: () => anchor + 61 * 60_000 },
    logger: createLogger('silent'),
  });
  const started = await scheduler.tick();
  assert.deepEqual(started, [`hourly-s${anchor + 60 * 60_000}`]);
  const run = await waitForExecution(client, started[0]!);
  const input = JSON.parse(run.input);
  assert.equal(input.SlotTime, new Date(anchor + 60 * 60_000).toISOString());
  assert.equal(input.RunId, started[0]);
  const wrong = await client.get<Described>('/api/v1/triggers/hourly-wrong');
  assert.match(wrong.lastError, /\$\.event\.detail\.uri/);
});
