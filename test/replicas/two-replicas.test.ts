/**
 * Two Slipway servers (real `slipway up` processes) on one PostgreSQL database and one artifact
 * folder, started at the same moment: an event rule fires once for events published on either
 * replica, executions run once, and when one replica is killed with SIGKILL the other takes over
 * its executions and its share of the event log.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { SlipwayClient } from '../../src/sdk/client.ts';
import { startCliServer } from '../helpers/cli.ts';
import { databaseBackends, type TestDatabase } from '../helpers/databases.ts';
import { tempFolder } from '../helpers/temp.ts';
import { waitFor } from '../helpers/wait.ts';
import { assertGapFree, type Described, historyOf, waitForExecution } from '../workflows/helpers.ts';

const postgres = databaseBackends().find((backend) => backend.name === 'postgres');
const folder = tempFolder('slipway-replicas-');
let database: TestDatabase | undefined;
after(async () => {
  await database?.cleanup();
  folder.cleanup();
});

const token = 'slw_two-replicas-token-0123456789';

type CliServer = Awaited<ReturnType<typeof startCliServer>>;

async function executionsOf(client: SlipwayClient, workflowName: string): Promise<Described[]> {
  return (await client.get<{ items: Described[] }>('/api/v1/executions', { workflowName })).items;
}

test('two replicas on one PostgreSQL: a rule fires once per event from either, and a killed replica hands its work over', {
  skip: postgres ? false : 'needs PostgreSQL (SLIPWAY_TEST_DATABASE_URL)',
}, async () => {
  database = await postgres!.create();
  const env = (name: string) => ({
    SLIPWAY_HOME: join(folder.path, name),
    SLIPWAY_PORT: '0',
    SLIPWAY_LOG_LEVEL: 'warn',
    SLIPWAY_ADMIN_TOKEN: token,
    SLIPWAY_DATABASE_URL: database!.url,
    SLIPWAY_ARTIFACTS_URL: pathToFileURL(join(folder.path, 'artifacts')).href,
  });
  // Started together on an empty database: they take turns at migrating and at the first token.
  const started = await Promise.allSettled([startCliServer(env('a')), startCliServer(env('b'))]);
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    for (const result of started)
      if (result.status === 'fulfilled') {
        result.value.child.kill('SIGKILL');
        await once(result.value.child, 'exit');
      }
    throw failed.reason;
  }
  const [a, b] = started.map((result) => (result as PromiseFulfilledResult<CliServer>).value) as [
    CliServer,
    CliServer,
  ];
  try {
    const onA = new SlipwayClient({ url: a.url, token });
    const onB = new SlipwayClient({ url: b.url, token });
    await onA.post('/api/v1/workflows', {
      name: 'echo',
      definition: { StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } },
    });
    await onA.post('/api/v1/workflows', {
      name: 'slow',
      definition: {
        StartAt: 'Hold',
        States: { Hold: { Type: 'Wait', Seconds: 2, Next: 'Done' }, Done: { Type: 'Succeed' } },
      },
    });
    await onA.post('/api/v1/triggers', {
      name: 'on-experiment',
      workflowName: 'echo',
      event: { type: 'experiment.created' },
    });

    // Each replica publishes one event; whichever holds the rule consumer's lease fires both.
    await onB.post('/api/v1/experiments', { experimentName: 'from-b' });
    await onA.post('/api/v1/experiments', { experimentName: 'from-a' });
    const fired = await waitFor(
      async () => {
        const items = await executionsOf(onB, 'echo');
        return items.length === 2 && items.every((e) => e.status === 'SUCCEEDED') ? items : undefined;
      },
      { what: 'one execution per experiment' },
    );
    const inputs = await Promise.all(
      fired.map(async (e) => JSON.parse((await onA.get<Described>(`/api/v1/executions/${e.name}`)).input)),
    );
    assert.deepEqual(inputs.map((input) => input.event.resource).sort(), [
      'experiment/from-a',
      'experiment/from-b',
    ]);

    // Executions started on A; A is killed while they wait; B finishes each of them once.
    for (const name of ['slow-1', 'slow-2', 'slow-3'])
      await onA.post('/api/v1/workflows/slow/executions', { name });
    await waitFor(
      async () => {
        for (const name of ['slow-1', 'slow-2', 'slow-3'])
          if (!(await historyOf(onA, name)).some((e) => e.type === 'WaitStateEntered')) return false;
        return true;
      },
      { what: 'the three executions to be waiting' },
    );
    a.child.kill('SIGKILL');
    await once(a.child, 'exit');
    for (const name of ['slow-1', 'slow-2', 'slow-3']) {
      const done = await waitForExecution(onB, name);
      assert.equal(done.status, 'SUCCEEDED', done.cause);
      assertGapFree(await historyOf(onB, name));
    }

    // The rule's consumer carries on on B, whether A held its lease or not.
    await onB.post('/api/v1/experiments', { experimentName: 'after-kill' });
    await waitFor(async () => (await executionsOf(onB, 'echo')).length === 3, {
      what: 'the rule to fire for an event after the kill',
    });
    const firedEvents = await onB.get<{ items: Described[] }>('/api/v1/events', { type: 'trigger.fired' });
    assert.equal(firedEvents.items.length, 3, 'each event fired the rule once');
    const trigger = await onB.get<Described>('/api/v1/triggers/on-experiment');
    assert.equal(trigger.fires, 3);
  } finally {
    for (const server of [a, b]) {
      if (server.child.exitCode !== null || server.child.signalCode !== null) continue;
      server.child.kill('SIGTERM');
      await once(server.child, 'exit');
    }
  }
});
