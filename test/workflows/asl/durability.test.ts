/**
 * History, checkpoints, resume and stop. A "crash" is simulated by resuming from every checkpoint
 * an uninterrupted run produced, with fresh collaborators, keeping only the history events the
 * checkpoint covers (id < nextEventId), exactly as the lead's store will do after a restart.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createExecution,
  type ExecutionSnapshot,
  type HistoryEvent,
  type Json,
  resumeExecution,
  startExecution,
} from '../../../src/workflows/asl/index.ts';
import { createWorld, failTimes, type TaskHandler, takes } from './harness/collaborators.ts';

const start = Date.UTC(2024, 0, 1);

const sequential = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Result: { n: 3 }, Next: 'Train' },
    Train: {
      Type: 'Task',
      Resource: 'train',
      Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 5, MaxAttempts: 3 }],
      Next: 'Pause',
    },
    Pause: { Type: 'Wait', Seconds: 30, Next: 'Decide' },
    Decide: {
      Type: 'Choice',
      Choices: [{ Variable: '$.n', NumericGreaterThan: 1, Next: 'Done' }],
      Default: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
};

const concurrent = {
  StartAt: 'Fan',
  States: {
    Fan: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'A', States: { A: { Type: 'Task', Resource: 'slow', End: true } } },
        {
          StartAt: 'B',
          States: {
            B: {
              Type: 'Map',
              MaxConcurrency: 2,
              ItemsPath: '$.items',
              ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Task', Resource: 'slow', End: true } } },
              End: true,
            },
          },
        },
      ],
      End: true,
    },
  },
};

/** Task handlers are rebuilt per run so a resumed run starts from the same scripted behaviour. */
type Tasks = () => Record<string, TaskHandler>;

async function uninterrupted(definition: unknown, input: Json, tasks: Tasks) {
  const world = createWorld({ tasks: tasks() });
  const result = await startExecution({
    definition: definition as never,
    input,
    collaborators: world.collaborators,
  });
  return { world, result };
}

async function resumedFrom(
  definition: unknown,
  snapshot: ExecutionSnapshot,
  kept: HistoryEvent[],
  tasks: Tasks,
) {
  const world = createWorld({ tasks: tasks() });
  world.history.push(...kept);
  const result = await resumeExecution({
    definition: definition as never,
    snapshot,
    collaborators: world.collaborators,
  });
  return { world, result };
}

function assertGapFree(history: HistoryEvent[]) {
  assert.deepEqual(
    history.map((e) => e.id),
    history.map((_, i) => i + 1),
    'event ids are 1..N with no gap or duplicate',
  );
  for (const event of history)
    assert.ok(event.previousEventId < event.id, `event ${event.id} points backwards`);
  assert.equal(history[0].type, 'ExecutionStarted');
}

describe('history and checkpoints', () => {
  it('each checkpoint covers exactly the events appended before it', async () => {
    const seen: [number, number][] = [];
    const world = createWorld({ tasks: { train: failTimes(1, 'Flaky', { ok: true }) } });
    world.collaborators.onCheckpoint = (snapshot) =>
      void seen.push([snapshot.nextEventId - 1, world.history.length]);
    await startExecution({ definition: sequential as never, collaborators: world.collaborators });
    assert.ok(seen.length > 5);
    for (const [covered, appended] of seen) assert.equal(covered, appended);
  });

  it('events carry ISO timestamps from the injected clock and chain previousEventId', async () => {
    const { world, result } = await uninterrupted(sequential, {}, () => ({
      train: failTimes(1, 'Flaky', { n: 3 }),
    }));
    assert.equal(result.status, 'SUCCEEDED');
    assertGapFree(world.history);
    const exited = world.history.find((e) => e.type === 'WaitStateExited');
    // One 5 s retry, then the 30 s wait.
    assert.equal(exited?.timestamp, new Date(start + 35_000).toISOString());
    assert.deepEqual(
      world.history.map((e) => e.type),
      [
        'ExecutionStarted',
        'PassStateEntered',
        'PassStateExited',
        'TaskStateEntered',
        'TaskScheduled',
        'TaskStarted',
        'TaskFailed',
        'TaskScheduled',
        'TaskStarted',
        'TaskSucceeded',
        'TaskStateExited',
        'WaitStateEntered',
        'WaitStateExited',
        'ChoiceStateEntered',
        'ChoiceStateExited',
        'SucceedStateEntered',
        'SucceedStateExited',
        'ExecutionSucceeded',
      ],
    );
    assert.deepEqual(world.history[7].details.retryCount, 1);
  });

  it('a failed execution ends with ExecutionFailed carrying error and cause', async () => {
    const world = createWorld();
    const result = await startExecution({
      definition: { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'E', Cause: 'c' } } },
      collaborators: world.collaborators,
    });
    assert.equal(result.status, 'FAILED');
    assert.deepEqual(
      world.history.map((e) => [e.type, e.details]),
      [
        ['ExecutionStarted', { input: {}, stateMachineArn: result.snapshot.execution.stateMachineId }],
        ['FailStateEntered', { name: 'F', input: {} }],
        ['ExecutionFailed', { error: 'E', cause: 'c' }],
      ],
    );
  });
});

describe('resume from a snapshot', () => {
  const sequentialTasks: Tasks = () => ({ train: failTimes(1, 'Flaky', { n: 3 }) });

  it('resuming from every checkpoint gives the same output and the same gap-free history', async () => {
    const original = await uninterrupted(sequential, {}, sequentialTasks);
    assert.equal(original.result.status, 'SUCCEEDED');
    const types = original.world.history.map((e) => e.type);
    for (const snapshot of original.world.checkpoints) {
      const kept = original.world.history.filter((e) => e.id < snapshot.nextEventId);
      // The scripted task must fail again only if the resumed run has not seen its failure yet.
      const failed = kept.some((e) => e.type === 'TaskFailed');
      const resumed = await resumedFrom(sequential, snapshot, kept, () => ({
        train: failTimes(failed ? 0 : 1, 'Flaky', { n: 3 }),
      }));
      assert.deepEqual(
        resumed.result,
        { ...original.result, snapshot: resumed.result.snapshot },
        `from event ${snapshot.nextEventId}`,
      );
      assertGapFree(resumed.world.history);
      // A checkpoint taken while an attempt ran is followed by that attempt again: both are kept.
      const inFlight = kept.at(-1)?.type === 'TaskStarted';
      const expected = inFlight
        ? [...types.slice(0, kept.length), 'TaskScheduled', 'TaskStarted', ...types.slice(kept.length)]
        : types;
      assert.deepEqual(
        resumed.world.history.map((e) => e.type),
        expected,
        `history resumed from event ${snapshot.nextEventId}`,
      );
    }
  });

  it('an attempt cut short by a restart stays in the history before the attempt that replaces it', async () => {
    const definition = { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'fn', End: true } } };
    const original = await uninterrupted(definition, {}, () => ({ fn: takes(5, { ok: true }) }));
    const running = original.world.checkpoints.find((s) => s.nextEventId === 5);
    assert.ok(running, 'a checkpoint is taken once the task has started');
    const kept = original.world.history.filter((e) => e.id < running.nextEventId);
    assert.deepEqual(
      kept.map((e) => e.type),
      ['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted'],
    );
    const resumed = await resumedFrom(definition, running, kept, () => ({ fn: takes(5, { ok: true }) }));
    assert.equal(resumed.result.status, 'SUCCEEDED');
    assertGapFree(resumed.world.history);
    const attempts = resumed.world.history.filter((e) => e.type === 'TaskScheduled');
    assert.deepEqual(
      attempts.map((e) => [e.id, e.details.retryCount]),
      [
        [3, 0],
        [5, 0],
      ],
      'both attempts are recorded; the re-run is not a retry',
    );
    assert.equal(resumed.world.calls.length, 1);
  });

  it('resuming Parallel and Map mid-flight finishes every branch and item exactly once more at most', async () => {
    const tasks: Tasks = () => ({ slow: takes(1) });
    const input = { items: [1, 2, 3, 4] };
    const original = await uninterrupted(concurrent, input, tasks);
    assert.equal(original.result.status, 'SUCCEEDED');
    const sorted = (h: HistoryEvent[]) => h.map((e) => e.type).sort();
    for (const snapshot of original.world.checkpoints) {
      const kept = original.world.history.filter((e) => e.id < snapshot.nextEventId);
      const resumed = await resumedFrom(concurrent, snapshot, kept, tasks);
      assert.equal(resumed.result.status, 'SUCCEEDED');
      if (resumed.result.status === 'SUCCEEDED')
        assert.deepEqual(resumed.result.output, [input, [1, 2, 3, 4]]);
      assertGapFree(resumed.world.history);
      const extra = resumed.world.history.length - original.world.history.length;
      // A task in flight at the checkpoint runs again (at-least-once): its Scheduled/Started repeat.
      assert.ok(extra >= 0 && extra % 2 === 0, `unexpected history growth ${extra}`);
      if (extra === 0) assert.deepEqual(sorted(resumed.world.history), sorted(original.world.history));
    }
  });

  it('a resumed Wait keeps its deadline', async () => {
    const original = await uninterrupted(sequential, {}, sequentialTasks);
    const waiting = original.world.checkpoints.find((s) => s.root.state?.waitUntil !== undefined);
    assert.ok(waiting);
    const kept = original.world.history.filter((e) => e.id < waiting.nextEventId);
    const world = createWorld({ tasks: sequentialTasks() });
    world.history.push(...kept);
    // The process comes back 20 s into the 30 s wait: only 10 s remain.
    world.clock.current = (waiting.root.state?.waitUntil ?? 0) - 10_000;
    const result = await resumeExecution({
      definition: sequential as never,
      snapshot: waiting,
      collaborators: world.collaborators,
    });
    assert.equal(result.status, 'SUCCEEDED');
    assert.deepEqual(world.clock.elapsed, [10_000]);
  });

  it('a resumed retry keeps its counter and its due time', async () => {
    const definition = {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'fn',
          Retry: [{ ErrorEquals: ['E'], IntervalSeconds: 10, MaxAttempts: 2 }],
          End: true,
        },
      },
    };
    const original = await uninterrupted(definition, {}, () => ({ fn: failTimes(9, 'E') }));
    assert.equal(original.result.status, 'FAILED');
    const firstRetry = original.world.checkpoints.find((s) => s.root.state?.retryCounts[0] === 1);
    assert.ok(firstRetry);
    const world = createWorld({ tasks: { fn: failTimes(9, 'E') } });
    world.clock.current = (firstRetry.root.state?.retryAt ?? 0) - 4000;
    const result = await resumeExecution({
      definition: definition as never,
      snapshot: firstRetry,
      collaborators: world.collaborators,
    });
    assert.equal(result.status, 'FAILED');
    // 4 s left of the first interval, then the second (20 s) retry, then no more: 2 attempts in all.
    assert.deepEqual(world.clock.elapsed, [4000, 20_000]);
    assert.equal(world.calls.length, 2);
  });

  it('createExecution then resumeExecution starts the execution (ExecutionStarted first)', async () => {
    const world = createWorld({ tasks: sequentialTasks() });
    const snapshot = createExecution({
      definition: sequential as never,
      input: { a: 1 },
      name: 'run-1',
      collaborators: world.collaborators,
    });
    assert.equal(snapshot.status, 'RUNNING');
    assert.equal(snapshot.nextEventId, 1);
    const result = await resumeExecution({
      definition: sequential as never,
      snapshot,
      collaborators: world.collaborators,
    });
    assert.equal(result.status, 'SUCCEEDED');
    assert.equal(result.snapshot.execution.name, 'run-1');
    assert.equal(world.history[0].type, 'ExecutionStarted');
    assert.deepEqual(world.history[0].details.input, { a: 1 });
    assertGapFree(world.history);
  });

  it('resuming a finished snapshot returns its result without running anything', async () => {
    const original = await uninterrupted(sequential, {}, sequentialTasks);
    const last = original.world.checkpoints.at(-1) as ExecutionSnapshot;
    assert.equal(last.status, 'SUCCEEDED');
    const world = createWorld();
    const result = await resumeExecution({
      definition: sequential as never,
      snapshot: last,
      collaborators: world.collaborators,
    });
    assert.equal(result.status, 'SUCCEEDED');
    assert.deepEqual(world.history, []);
  });

  it('refuses a snapshot whose current state is not in the definition', async () => {
    const original = await uninterrupted(sequential, {}, sequentialTasks);
    const snapshot = structuredClone(original.world.checkpoints[2]);
    snapshot.root.current = 'Gone';
    await assert.rejects(
      resumeExecution({
        definition: sequential as never,
        snapshot,
        collaborators: createWorld().collaborators,
      }),
      /state "Gone" is not in the definition/,
    );
  });
});

describe('stop and time out', () => {
  it('aborting the signal stops the execution with ExecutionAborted and cancels the task', async () => {
    const controller = new AbortController();
    let taskSignal: AbortSignal | undefined;
    const world = createWorld({
      tasks: {
        fn: async (_p, request, clock) => {
          taskSignal = request.signal;
          controller.abort({ kind: 'stopped', error: 'User', cause: 'stopped by hand' });
          await clock.sleep(60_000, request.signal);
          return 'never';
        },
      },
    });
    const result = await startExecution({
      definition: { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'fn', End: true } } },
      collaborators: world.collaborators,
      signal: controller.signal,
    });
    assert.equal(result.status, 'ABORTED');
    if ('error' in result) assert.deepEqual([result.error, result.cause], ['User', 'stopped by hand']);
    assert.equal(taskSignal?.aborted, true);
    assert.equal(world.history.at(-1)?.type, 'ExecutionAborted');
    assert.equal(world.checkpoints.at(-1)?.status, 'ABORTED');
  });

  it('aborting during a Map stops every iteration', async () => {
    const controller = new AbortController();
    const world = createWorld({
      tasks: {
        fn: async (_p, request, clock) => {
          setImmediate(() => controller.abort());
          await clock.sleep(60_000, request.signal);
          return 'never';
        },
      },
    });
    const result = await startExecution({
      definition: {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            ItemProcessor: { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'fn', End: true } } },
            End: true,
          },
        },
      },
      input: [1, 2, 3],
      collaborators: world.collaborators,
      signal: controller.signal,
    });
    assert.equal(result.status, 'ABORTED');
    const types = world.history.map((e) => e.type);
    assert.equal(types.filter((t) => t === 'MapIterationAborted').length, 3);
    assert.ok(types.includes('MapStateAborted'));
    assert.deepEqual(world.clock.elapsed, []);
  });

  it('the execution TimeoutSeconds ends it with ExecutionTimedOut', async () => {
    const world = createWorld();
    const result = await startExecution({
      definition: {
        TimeoutSeconds: 5,
        StartAt: 'W',
        States: { W: { Type: 'Wait', Seconds: 60, End: true } },
      },
      collaborators: world.collaborators,
    });
    assert.equal(result.status, 'TIMED_OUT');
    if ('error' in result) assert.equal(result.error, 'States.Timeout');
    assert.equal(world.history.at(-1)?.type, 'ExecutionTimedOut');
    assert.deepEqual(world.clock.elapsed, [5000]);
  });

  it('startExecution refuses an invalid definition before emitting anything', async () => {
    const world = createWorld();
    await assert.rejects(
      startExecution({
        definition: { StartAt: 'A', States: {} } as never,
        collaborators: world.collaborators,
      }),
      /States: must be an object with at least one state/,
    );
    assert.deepEqual(world.history, []);
  });
});
