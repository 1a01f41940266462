/** Triggers: schedules driven by an injected clock (two replicas, no double fire), event rules, webhooks. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Cron } from 'croner';
import { createLogger } from '../../src/core/logging.ts';
import { TriggerController } from '../../src/workflows/triggers/trigger-controller.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { waitFor } from '../helpers/wait.ts';
import { type Described, waitForExecution } from './helpers.ts';

let slipway: TestSlipway;
before(async () => {
  slipway = await startTestSlipway();
  await slipway.client().post('/api/v1/workflows', {
    name: 'echo',
    definition: { StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } },
  });
});
after(() => slipway.cleanup());

/** A replica's scheduler with its own clock, over the same store and services as the server. */
function replica(clock: { now(): number }) {
  return new TriggerController({
    triggers: slipway.platform.workflows.triggers,
    events: slipway.app.events,
    clock,
    logger: createLogger('silent'),
  });
}

async function executionsOf(trigger: string): Promise<Described[]> {
  const page = await slipway
    .client()
    .get<{ items: Described[] }>('/api/v1/executions', { workflowName: 'echo' });
  return page.items.filter((e) => e.name.startsWith(`${trigger}-`));
}

describe('triggers', () => {
  it('validates triggers, naming the field', async () => {
    const client = slipway.client();
    const post = (body: Described) =>
      client.post('/api/v1/triggers', { name: 't', workflowName: 'echo', ...body });
    await assert.rejects(
      post({ schedule: { cron: 'every monday' } }),
      (e: Described) => e.details.field === 'schedule.cron',
    );
    // AWS's six fields without cron(…) would read as seconds-first and fire hourly at :12.
    await assert.rejects(
      post({ schedule: { cron: '0 12 * * ? *' } }),
      (e: Described) => e.details.field === 'schedule.cron' && /cron\(m h dom mon dow year\)/.test(e.message),
    );
    await assert.rejects(
      post({ schedule: { cron: 'cron(0 12 * *)' } }),
      (e: Described) => e.details.field === 'schedule.cron' && /six fields/.test(e.message),
    );
    await assert.rejects(
      post({ schedule: { cron: '0 9 * * MON', timezone: 'Mars/Olympus' } }),
      (e: Described) => e.details.field === 'schedule.timezone',
    );
    await assert.rejects(
      post({ schedule: { rate: 'rate(5 fortnights)' } }),
      (e: Described) => e.details.field === 'schedule.rate',
    );
    await assert.rejects(
      post({ schedule: { rate: 'rate(5 minutes)' }, webhook: true }),
      /exactly one of schedule, event or webhook/,
    );
    await assert.rejects(
      client.post('/api/v1/triggers', { name: 't', workflowName: 'nope', webhook: true }),
      (e: Described) => e.details.field === 'workflowName',
    );
  });

  it('a cron schedule with a time zone fires each slot once across two replicas', async () => {
    const client = slipway.client();
    const created = await client.post<Described>('/api/v1/triggers', {
      name: 'weekly',
      workflowName: 'echo',
      schedule: { cron: '0 9 * * MON', timezone: 'Europe/Paris' },
      input: { reason: 'weekly retrain' },
    });
    const slot = new Cron('0 9 * * MON', { timezone: 'Europe/Paris', paused: true })
      .nextRun(new Date(Date.parse(created.creationTime)))!
      .getTime();
    let now = slot - 60_000;
    const clock = { now: () => now };
    const [a, b] = [replica(clock), replica(clock)];
    assert.deepEqual(await a.tick(), [], 'nothing is due a minute before the slot');
    now = slot + 30_000;
    const [firstA, firstB] = await Promise.all([a.tick(), b.tick()]);
    assert.equal(firstA.length + firstB.length, 1, 'one replica fired the slot');
    assert.deepEqual([...(await a.tick()), ...(await b.tick())], [], 'a slot never fires twice');
    now = slot + 7 * 86_400_000 + 1000;
    const second = [...(await b.tick()), ...(await a.tick())];
    assert.equal(second.length, 1);
    const runs = await executionsOf('weekly');
    assert.equal(runs.length, 2);
    const first = await waitForExecution(client, `weekly-s${slot}`);
    const input = JSON.parse(first.input);
    assert.equal(input.reason, 'weekly retrain');
    assert.equal(input.event.time, new Date(slot).toISOString());
    const paris = (options: Intl.DateTimeFormatOptions) =>
      new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Paris', ...options }).format(slot);
    assert.equal(paris({ weekday: 'short' }), 'Mon');
    assert.equal(paris({ hour: 'numeric', minute: 'numeric', hourCycle: 'h23' }), '09:00');
    const described = await client.get<Described>('/api/v1/triggers/weekly');
    assert.equal(described.fires, 2);
    assert.equal(described.lastFireTime, new Date(slot + 7 * 86_400_000).toISOString());
  });

  it('a rate schedule fires the latest missed slot once; a disabled trigger does not fire', async () => {
    const client = slipway.client();
    const created = await client.post<Described>('/api/v1/triggers', {
      name: 'every-five',
      workflowName: 'echo',
      schedule: { rate: 'rate(5 minutes)' },
    });
    const anchor = Date.parse(created.creationTime);
    let now = anchor + 12 * 60_000;
    const scheduler = replica({ now: () => now });
    assert.deepEqual(await scheduler.tick(), [`every-five-s${anchor + 10 * 60_000}`]);
    await client.post('/api/v1/triggers/every-five/disable');
    now = anchor + 16 * 60_000;
    assert.deepEqual(await scheduler.tick(), []);
    await client.post('/api/v1/triggers/every-five/enable');
    assert.deepEqual(await scheduler.tick(), [`every-five-s${anchor + 15 * 60_000}`]);
  });

  it('an event rule starts the workflow with the matching event as input', async () => {
    const client = slipway.client();
    await client.post('/api/v1/triggers', {
      name: 'on-approval',
      workflowName: 'echo',
      event: { type: 'model-package.*', detail: { modelPackageGroupName: 'penguins', status: 'Approved' } },
    });
    await client.post('/api/v1/triggers', {
      name: 'on-new-data',
      workflowName: 'echo',
      event: { type: 'artifact.created', detailPrefix: { uri: 's3://bucket/data/' } },
    });
    const { events } = slipway.app;
    await events.publish({
      resource: 'model-package/penguins/1',
      type: 'model-package.approved',
      detail: { modelPackageGroupName: 'other', status: 'Approved' },
    });
    const approved = await events.publish({
      resource: 'model-package/penguins/2',
      type: 'model-package.approved',
      detail: { modelPackageGroupName: 'penguins', status: 'Approved' },
    });
    await events.publish({
      resource: 'artifact/x',
      type: 'artifact.created',
      detail: { uri: 's3://bucket/models/x' },
    });
    const landed = await events.publish({
      resource: 'artifact/y',
      type: 'artifact.created',
      detail: { uri: 's3://bucket/data/2024.csv' },
    });
    const approval = await waitForExecution(client, `on-approval-e${approved.id}`, undefined, {
      what: 'the approval run',
    });
    assert.deepEqual(JSON.parse(approval.input).event.detail, {
      modelPackageGroupName: 'penguins',
      status: 'Approved',
    });
    const data = await waitForExecution(client, `on-new-data-e${landed.id}`, undefined, {
      what: 'the new-data run',
    });
    assert.equal(JSON.parse(data.input).event.detail.uri, 's3://bucket/data/2024.csv');
    assert.equal((await executionsOf('on-approval')).length, 1);
    assert.equal((await executionsOf('on-new-data')).length, 1);
  });

  it('a webhook publishes an event and starts the workflow with the posted body', async () => {
    const client = slipway.client();
    await client.post('/api/v1/triggers', { name: 'push', workflowName: 'echo', webhook: true });
    const result = await client.post<Described>('/api/v1/triggers/push/webhook', {
      ref: 'refs/heads/main',
      commits: 3,
    });
    assert.ok(result.execution);
    const run = await waitForExecution(client, result.execution);
    const input = JSON.parse(run.input);
    assert.equal(input.event.type, 'trigger.webhook');
    assert.deepEqual(input.event.detail.payload, { ref: 'refs/heads/main', commits: 3 });
    const published = await slipway.app.events.list({ type: 'trigger.webhook' });
    assert.equal(published.length, 1);
    await assert.rejects(client.post('/api/v1/triggers/every-five/webhook', {}), /not a webhook trigger/);
    await waitFor(async () => (await client.get<Described>('/api/v1/triggers/push')).fires === 1, {
      what: 'the fire count',
    });
  });
});
