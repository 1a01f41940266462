/** Conformance: the Parallel state. */
import assert from 'node:assert/strict';
import { echo, failTimes, takes } from './harness/collaborators.ts';
import { runCases, single } from './harness/run-cases.ts';

const branch = (states: Record<string, unknown>, startAt = Object.keys(states)[0]) => ({
  StartAt: startAt,
  States: states,
});

runCases('Parallel', [
  {
    name: 'outputs the array of branch outputs, in branch order',
    definition: single({
      Type: 'Parallel',
      Branches: [
        branch({ A: { Type: 'Pass', Result: 'a', End: true } }),
        branch({ B: { Type: 'Pass', InputPath: '$.x', End: true } }),
      ],
    }),
    input: { x: 1 },
    output: ['a', 1],
  },
  {
    name: 'branch order holds even when later branches finish first',
    definition: single({
      Type: 'Parallel',
      Branches: [
        branch({ Slow: { Type: 'Task', Resource: 'slow', End: true } }),
        branch({ Fast: { Type: 'Task', Resource: 'fast', End: true } }),
      ],
    }),
    tasks: { slow: takes(5, 'slow'), fast: takes(1, 'fast') },
    output: ['slow', 'fast'],
    sleeps: [1000, 5000],
  },
  {
    name: 'Parameters give every branch the same input',
    definition: single({
      Type: 'Parallel',
      Parameters: { 'v.$': '$.value' },
      Branches: [branch({ A: { Type: 'Pass', End: true } }), branch({ B: { Type: 'Pass', End: true } })],
    }),
    input: { value: 3, other: 1 },
    output: [{ v: 3 }, { v: 3 }],
  },
  {
    name: 'ResultSelector and ResultPath apply to the array',
    definition: single({
      Type: 'Parallel',
      Branches: [
        branch({ A: { Type: 'Pass', Result: 1, End: true } }),
        branch({ B: { Type: 'Pass', Result: 2, End: true } }),
      ],
      ResultSelector: { 'first.$': '$[0]', 'second.$': '$[1]' },
      ResultPath: '$.results',
    }),
    input: { keep: 'me' },
    output: { keep: 'me', results: { first: 1, second: 2 } },
  },
  {
    name: 'a failing branch fails the state with the branch error',
    note: 'AWS reports the failing branch error (not States.BranchFailed)',
    definition: single({
      Type: 'Parallel',
      Branches: [
        branch({ A: { Type: 'Fail', Error: 'BranchBroke', Cause: 'in A' } }),
        branch({ B: { Type: 'Pass', End: true } }),
      ],
    }),
    error: 'BranchBroke',
    cause: 'in A',
  },
  {
    name: 'a failing branch stops its siblings',
    definition: single({
      Type: 'Parallel',
      Branches: [
        branch({ A: { Type: 'Task', Resource: 'fail', End: true } }),
        branch({ B: { Type: 'Task', Resource: 'slow', End: true } }),
      ],
    }),
    tasks: { fail: failTimes(1, 'E'), slow: takes(100) },
    error: 'E',
    check(_r, world) {
      assert.ok(
        world.clock.elapsed.every((ms) => ms !== 100_000),
        'the slow branch was cancelled, not waited for',
      );
      assert.ok(world.history.some((e) => e.type === 'ParallelStateFailed'));
    },
  },
  {
    name: 'Catch on a Parallel state',
    definition: {
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel',
          Branches: [branch({ A: { Type: 'Fail', Error: 'X' } })],
          Catch: [{ ErrorEquals: ['X'], Next: 'H', ResultPath: '$.caught' }],
          End: true,
        },
        H: { Type: 'Pass', End: true },
      },
    },
    input: {},
    output: { caught: { Error: 'X', Cause: '' } },
  },
  {
    name: 'Retry on a Parallel state reruns every branch',
    definition: single({
      Type: 'Parallel',
      Branches: [
        branch({ A: { Type: 'Task', Resource: 'flaky', End: true } }),
        branch({ B: { Type: 'Task', Resource: 'echo', End: true } }),
      ],
      Retry: [{ ErrorEquals: ['E'], IntervalSeconds: 5, MaxAttempts: 1 }],
    }),
    tasks: { flaky: failTimes(1, 'E', 'ok'), echo },
    input: { n: 1 },
    output: ['ok', { n: 1 }],
    check(_r, world) {
      assert.equal(world.calls.filter((c) => c.resource === 'flaky').length, 2);
      assert.ok(world.clock.elapsed.includes(5000));
    },
  },
  {
    name: 'branches can chain several states and use Choice',
    definition: single({
      Type: 'Parallel',
      Branches: [
        branch({
          C: {
            Type: 'Choice',
            Choices: [{ Variable: '$.n', NumericGreaterThan: 0, Next: 'Pos' }],
            Default: 'Neg',
          },
          Pos: { Type: 'Pass', Result: 'positive', End: true },
          Neg: { Type: 'Pass', Result: 'negative', End: true },
        }),
      ],
    }),
    input: { n: 5 },
    output: ['positive'],
  },
  {
    name: 'branches read outer variables',
    definition: {
      StartAt: 'Set',
      States: {
        Set: { Type: 'Pass', Assign: { greeting: 'hi' }, Next: 'P' },
        P: {
          Type: 'Parallel',
          Branches: [branch({ A: { Type: 'Pass', Parameters: { 'g.$': '$greeting' }, End: true } })],
          End: true,
        },
      },
    },
    output: [{ g: 'hi' }],
  },
  {
    name: 'history of a Parallel state',
    definition: single({ Type: 'Parallel', Branches: [branch({ A: { Type: 'Pass', End: true } })] }),
    output: [{}],
    check(_r, world) {
      const types = world.history.map((e) => e.type);
      assert.deepEqual(types, [
        'ExecutionStarted',
        'ParallelStateEntered',
        'ParallelStateStarted',
        'PassStateEntered',
        'PassStateExited',
        'ParallelStateSucceeded',
        'ParallelStateExited',
        'ExecutionSucceeded',
      ]);
      const started = world.history[2];
      assert.equal(world.history[3].previousEventId, started.id, 'branch events follow ParallelStateStarted');
    },
  },
]);
