/**
 * A graceful restart is not a stop: a parent waiting on a nested execution (`.sync`) resumes after
 * Slipway restarts, re-attaches to the same child instead of starting another, and stopping the
 * parent afterwards still stops the child.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startTestSlipway } from '../helpers/slipway.ts';
import { tempFolder } from '../helpers/temp.ts';
import { waitFor } from '../helpers/wait.ts';
import { type Described, historyOf, waitForExecution } from './helpers.ts';

const home = tempFolder('slipway-wf-shutdown-');
after(() => home.cleanup());

test('restart re-attaches a .sync task to its child execution; a stop still reaches the child', async () => {
  const first = await startTestSlipway({ home: home.path });
  let client = first.client();
  await client.post('/api/v1/workflows', {
    name: 'slow-child',
    definition: { StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 3600, End: true } } },
  });
  await client.post('/api/v1/workflows', {
    name: 'waiting-parent',
    definition: {
      StartAt: 'Run',
      States: {
        Run: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution.sync:2',
          Parameters: { StateMachineArn: 'slow-child', Input: { from: 'parent' } },
          End: true,
        },
      },
    },
  });
  await client.post('/api/v1/workflows/waiting-parent/executions', { name: 'parent-1' });
  const children = async () =>
    (await client.get<{ items: Described[] }>('/api/v1/executions', { workflowName: 'slow-child' })).items;
  const [child] = await waitFor(async () => {
    const list = await children();
    return list.length === 1 &&
      (await historyOf(client, list[0]!.name)).some((e) => e.type === 'WaitStateEntered')
      ? list
      : undefined;
  });
  await first.stop();

  const second = await startTestSlipway({ home: home.path });
  try {
    client = second.client();
    // The shutdown did not stop the child: it is still running, after the restart too.
    assert.deepEqual(
      (await children()).map((c) => [c.name, c.status]),
      [[child!.name, 'RUNNING']],
    );
    // Wait until the new server runs the parent again (it holds its lease).
    await waitFor(
      async () =>
        (
          await second.app.store.db
            .selectFrom('resources')
            .select('lease_owner')
            .where('kind', '=', 'execution')
            .where('name', '=', 'parent-1')
            .executeTakeFirst()
        )?.lease_owner,
      { what: 'the parent to be resumed' },
    );
    await client.post('/api/v1/executions/parent-1/stop', { error: 'User.Stop', cause: 'enough' });
    assert.equal((await waitForExecution(client, 'parent-1')).status, 'ABORTED');
    const stoppedChild = await waitForExecution(client, child!.name);
    assert.equal(stoppedChild.status, 'ABORTED');
    // The resumed task re-attached to the child rather than starting a second one.
    assert.deepEqual(
      (await children()).map((c) => c.name),
      [child!.name],
    );
  } finally {
    await second.stop();
  }
});
