/**
 * Durability: Slipway is killed with SIGKILL three times in one execution (during a retry
 * interval, in a Wait, then inside a Map), restarted each time, and the execution finishes with a
 * gap-free history in which every state was entered and exited exactly once, the retrier kept its
 * count (the task is not given an extra attempt) and the Wait kept its deadline. A task killed
 * while it runs is invoked again after the restart, and both attempts are in the history.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SlipwayClient } from '../../src/sdk/client.ts';
import { startCliServer } from '../helpers/cli.ts';
import { tempFolder } from '../helpers/temp.ts';
import { waitFor } from '../helpers/wait.ts';
import { assertGapFree, historyOf, waitForExecution } from './helpers.ts';

const home = tempFolder('slipway-wf-restart-');
const inFlightHome = tempFolder('slipway-wf-in-flight-');
after(() => {
  home.cleanup();
  inFlightHome.cleanup();
});

const definition = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Parameters: { 'items.$': 'States.ArrayRange(1, 6, 1)' }, Next: 'Flaky' },
    // Fails every time; two retries allowed, so three attempts in all, then the Catch.
    Flaky: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'always-fails' },
      Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 2, BackoffRate: 1 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.flaky', Next: 'Pause' }],
      Next: 'Pause',
    },
    Pause: { Type: 'Wait', Seconds: 3, Next: 'Fan' },
    Fan: {
      Type: 'Map',
      ItemsPath: '$.items',
      MaxConcurrency: 2,
      ItemProcessor: {
        StartAt: 'Hold',
        States: {
          Hold: { Type: 'Wait', Seconds: 1, Next: 'Square' },
          Square: { Type: 'Pass', Parameters: { 'v.$': 'States.MathAdd($, 100)' }, End: true },
        },
      },
      ResultPath: '$.squares',
      Next: 'Finish',
    },
    Finish: {
      Type: 'Pass',
      Parameters: { 'count.$': 'States.ArrayLength($.squares)' },
      ResultPath: '$.summary',
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
};

test('SIGKILL mid-execution three times, restart: the execution finishes with a correct, gap-free history', async () => {
  const token = 'slw_wf-restart-token-0123456789';
  const env = {
    SLIPWAY_HOME: home.path,
    SLIPWAY_PORT: '0',
    SLIPWAY_LOG_LEVEL: 'warn',
    SLIPWAY_ADMIN_TOKEN: token,
  };
  const kill = async (server: Awaited<ReturnType<typeof startCliServer>>) => {
    server.child.kill('SIGKILL');
    await once(server.child, 'exit');
  };

  const attempts = join(home.path, 'attempts.log');
  const script = join(home.path, 'always-fails.sh');
  writeFileSync(script, `#!/bin/sh\necho attempt >> ${attempts}\nexit 1\n`, { mode: 0o755 });

  const zeroth = await startCliServer(env);
  let client = new SlipwayClient({ url: zeroth.url, token });
  await client.post('/api/v1/functions', { name: 'always-fails', command: ['/bin/sh', script] });
  await client.post('/api/v1/workflows', { name: 'survivor', definition });
  await client.post('/api/v1/workflows/survivor/executions', { name: 'run-1' });
  await waitFor(async () => (await historyOf(client, 'run-1')).some((e) => e.type === 'TaskFailed'), {
    what: 'the first failed attempt',
  });
  await kill(zeroth);

  const first = await startCliServer(env);
  client = new SlipwayClient({ url: first.url, token });
  await waitFor(async () => (await historyOf(client, 'run-1')).some((e) => e.type === 'WaitStateEntered'), {
    timeoutMs: 30_000,
    what: 'the Pause wait to start',
  });
  await kill(first);

  const second = await startCliServer(env);
  client = new SlipwayClient({ url: second.url, token });
  await waitFor(
    async () => (await historyOf(client, 'run-1')).some((e) => e.type === 'MapIterationStarted'),
    {
      timeoutMs: 30_000,
      what: 'the Map to start after the first restart',
    },
  );
  await kill(second);

  const third = await startCliServer(env);
  try {
    client = new SlipwayClient({ url: third.url, token });
    const done = await waitForExecution(client, 'run-1');
    assert.equal(done.status, 'SUCCEEDED', done.cause);
    assert.equal(JSON.parse(done.output).summary.count, 6);
    assert.deepEqual(
      JSON.parse(done.output).squares,
      [1, 2, 3, 4, 5, 6].map((v) => ({ v: v + 100 })),
    );
    const events = await historyOf(client, 'run-1');
    assertGapFree(events, { Hold: 6, Square: 6 });
    // The retrier's count survived the restart: exactly three attempts, then the Catch.
    assert.equal(readFileSync(attempts, 'utf8').trim().split('\n').length, 3);
    assert.equal(events.filter((e) => e.type === 'TaskScheduled').length, 3);
    assert.equal(JSON.parse(done.output).flaky.Error, 'Lambda.Unknown');
    const mapEvents = events.filter((e) => e.type.startsWith('MapIteration'));
    assert.equal(mapEvents.filter((e) => e.type === 'MapIterationSucceeded').length, 6);
    const entered = events.find(
      (e) => e.type === 'WaitStateEntered' && e.stateEnteredEventDetails.name === 'Pause',
    )!;
    const exited = events.find(
      (e) => e.type === 'WaitStateExited' && e.stateExitedEventDetails.name === 'Pause',
    )!;
    // The wait resumed with its deadline: it did not end early, and was entered once (gap-free).
    assert.ok(Date.parse(exited.timestamp) - Date.parse(entered.timestamp) >= 3000);
  } finally {
    third.child.kill('SIGTERM');
    await once(third.child, 'exit');
  }
});

test('SIGKILL while a task runs, restart: the task runs again and both attempts are in the history', async () => {
  const token = 'slw_wf-in-flight-token-0123456789';
  const env = {
    SLIPWAY_HOME: inFlightHome.path,
    SLIPWAY_PORT: '0',
    SLIPWAY_LOG_LEVEL: 'warn',
    SLIPWAY_ADMIN_TOKEN: token,
  };
  const attempts = join(inFlightHome.path, 'attempts.log');
  const script = join(inFlightHome.path, 'slow.sh');
  writeFileSync(script, `#!/bin/sh\necho attempt >> ${attempts}\nsleep 2\necho '{"ok":true}'\n`, {
    mode: 0o755,
  });
  const first = await startCliServer(env);
  let client = new SlipwayClient({ url: first.url, token });
  await client.post('/api/v1/functions', { name: 'slow', command: ['/bin/sh', script] });
  await client.post('/api/v1/workflows', {
    name: 'in-flight',
    definition: {
      StartAt: 'Slow',
      States: {
        Slow: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'slow' },
          End: true,
        },
      },
    },
  });
  await client.post('/api/v1/workflows/in-flight/executions', { name: 'run-1' });
  await waitFor(async () => (await historyOf(client, 'run-1')).some((e) => e.type === 'TaskStarted'), {
    what: 'the task to start',
  });
  first.child.kill('SIGKILL');
  await once(first.child, 'exit');

  const second = await startCliServer(env);
  try {
    client = new SlipwayClient({ url: second.url, token });
    const done = await waitForExecution(client, 'run-1');
    assert.equal(done.status, 'SUCCEEDED', done.cause);
    const events = await historyOf(client, 'run-1');
    assertGapFree(events);
    assert.deepEqual(
      events.map((e) => e.type),
      [
        'ExecutionStarted',
        'TaskStateEntered',
        'TaskScheduled',
        'TaskStarted',
        'TaskScheduled',
        'TaskStarted',
        'TaskSucceeded',
        'TaskStateExited',
        'ExecutionSucceeded',
      ],
    );
    assert.equal(readFileSync(attempts, 'utf8').trim().split('\n').length, 2);
  } finally {
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');
  }
});
