/**
 * Conformance: Retry and Catch. Retry timing is checked against the virtual clock's completed
 * sleeps: IntervalSeconds × BackoffRate^n, capped by MaxDelaySeconds, jitter from random().
 */
import assert from 'node:assert/strict';
import { TaskError } from '../../../src/workflows/asl/index.ts';
import { failTimes } from './harness/collaborators.ts';
import { runCases, single } from './harness/run-cases.ts';

const task = (extra: Record<string, unknown>) => single({ Type: 'Task', Resource: 'fn', ...extra });
const withHandler = (extra: Record<string, unknown>) => ({
  StartAt: 'S',
  States: { S: { Type: 'Task', Resource: 'fn', End: true, ...extra }, Handler: { Type: 'Pass', End: true } },
});

runCases('Retry', [
  {
    name: 'defaults: 3 attempts, 1 s interval, backoff 2',
    definition: task({ Retry: [{ ErrorEquals: ['E'] }] }),
    tasks: { fn: failTimes(3, 'E', 'ok') },
    output: 'ok',
    sleeps: [1000, 2000, 4000],
  },
  {
    name: 'gives up after MaxAttempts and fails with the last error',
    definition: task({ Retry: [{ ErrorEquals: ['E'], MaxAttempts: 2 }] }),
    tasks: { fn: failTimes(5, 'E') },
    error: 'E',
    cause: 'failure 3',
    sleeps: [1000, 2000],
  },
  {
    name: 'MaxAttempts 0 never retries',
    definition: task({ Retry: [{ ErrorEquals: ['E'], MaxAttempts: 0 }] }),
    tasks: { fn: failTimes(1, 'E') },
    error: 'E',
    sleeps: [],
  },
  {
    name: 'BackoffRate 1 keeps the interval constant',
    definition: task({ Retry: [{ ErrorEquals: ['E'], IntervalSeconds: 3, BackoffRate: 1, MaxAttempts: 3 }] }),
    tasks: { fn: failTimes(3, 'E', 'ok') },
    output: 'ok',
    sleeps: [3000, 3000, 3000],
  },
  {
    name: 'fractional BackoffRate',
    definition: task({
      Retry: [{ ErrorEquals: ['E'], IntervalSeconds: 2, BackoffRate: 1.5, MaxAttempts: 3 }],
    }),
    tasks: { fn: failTimes(3, 'E', 'ok') },
    output: 'ok',
    sleeps: [2000, 3000, 4500],
  },
  {
    name: 'MaxDelaySeconds caps the backoff',
    definition: task({
      Retry: [
        { ErrorEquals: ['E'], IntervalSeconds: 1, BackoffRate: 3, MaxAttempts: 5, MaxDelaySeconds: 10 },
      ],
    }),
    tasks: { fn: failTimes(5, 'E', 'ok') },
    output: 'ok',
    sleeps: [1000, 3000, 9000, 10000, 10000],
  },
  {
    name: 'JitterStrategy FULL scales each interval by random()',
    definition: task({
      Retry: [{ ErrorEquals: ['E'], IntervalSeconds: 2, MaxAttempts: 3, JitterStrategy: 'FULL' }],
    }),
    tasks: { fn: failTimes(3, 'E', 'ok') },
    random: [0.5, 0.25, 0.1],
    output: 'ok',
    sleeps: [1000, 1000, 800],
  },
  {
    name: 'JitterStrategy NONE is the plain backoff',
    definition: task({
      Retry: [{ ErrorEquals: ['E'], IntervalSeconds: 2, MaxAttempts: 2, JitterStrategy: 'NONE' }],
    }),
    tasks: { fn: failTimes(2, 'E', 'ok') },
    random: [0.1, 0.1],
    output: 'ok',
    sleeps: [2000, 4000],
  },
  {
    name: 'only the first matching retrier applies, with its own counter',
    definition: task({
      Retry: [
        { ErrorEquals: ['A'], IntervalSeconds: 1, MaxAttempts: 1 },
        { ErrorEquals: ['States.ALL'], IntervalSeconds: 7, MaxAttempts: 1 },
      ],
    }),
    tasks: {
      fn: (() => {
        const errors = ['A', 'B'];
        return () => {
          const next = errors.shift();
          if (next) throw new TaskError(next, 'scripted');
          return 'ok';
        };
      })(),
    },
    output: 'ok',
    sleeps: [1000, 7000],
  },
  {
    name: 'an exhausted retrier does not fall through to later retriers',
    definition: task({
      Retry: [
        { ErrorEquals: ['E'], MaxAttempts: 1 },
        { ErrorEquals: ['States.ALL'], MaxAttempts: 5 },
      ],
    }),
    tasks: { fn: failTimes(5, 'E') },
    error: 'E',
    sleeps: [1000],
  },
  {
    name: 'States.TaskFailed matches a named task error',
    note: 'AWS: States.TaskFailed acts as a wildcard for any error except States.Timeout',
    definition: task({ Retry: [{ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 1 }] }),
    tasks: { fn: failTimes(1, 'Custom.Error', 'ok') },
    output: 'ok',
  },
  {
    name: 'States.TaskFailed does not match States.Timeout',
    definition: task({ TimeoutSeconds: 1, Retry: [{ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 3 }] }),
    tasks: { fn: async (_p, request, clock) => clock.sleep(5000, request.signal).then(() => 'late') },
    error: 'States.Timeout',
    sleeps: [1000],
  },
  {
    name: 'States.Timeout can be retried by name',
    definition: task({
      TimeoutSeconds: 1,
      Retry: [{ ErrorEquals: ['States.Timeout'], IntervalSeconds: 2, MaxAttempts: 1 }],
    }),
    tasks: { fn: async (_p, request, clock) => clock.sleep(5000, request.signal).then(() => 'late') },
    error: 'States.Timeout',
    sleeps: [1000, 2000, 1000],
  },
  {
    name: 'States.ALL does not retry States.Runtime',
    note: 'AWS: States.ALL cannot catch or retry States.Runtime',
    definition: single({
      Type: 'Task',
      Resource: 'fn',
      ResultSelector: { 'x.$': '$.missing' },
      Retry: [{ ErrorEquals: ['States.ALL'] }],
    }),
    tasks: { fn: () => ({}) },
    error: 'States.Runtime',
    sleeps: [],
  },
  {
    name: '$$.State.RetryCount counts the retries',
    definition: task({
      Parameters: { 'n.$': '$$.State.RetryCount' },
      Retry: [{ ErrorEquals: ['E'], MaxAttempts: 2 }],
    }),
    tasks: { fn: failTimes(2, 'E') },
    output: { n: 2 },
  },
  {
    name: 'retry counters and the retry deadline are checkpointed',
    definition: task({ Retry: [{ ErrorEquals: ['E'], IntervalSeconds: 4, MaxAttempts: 2 }] }),
    tasks: { fn: failTimes(2, 'E', 'ok') },
    output: 'ok',
    check(_r, world) {
      const pending = world.checkpoints
        .filter((s) => s.root.state?.retryAt !== undefined)
        .map((s) => s.root.state);
      assert.deepEqual(
        pending.map((s) => [s?.retryCounts, (s?.retryAt ?? 0) - Date.UTC(2024, 0, 1)]),
        [
          [[1], 4000],
          [[2], 4000 + 8000],
        ],
      );
    },
  },
]);

runCases('Catch', [
  {
    name: 'Catch routes to the handler with the error output',
    definition: withHandler({ Catch: [{ ErrorEquals: ['E'], Next: 'Handler' }] }),
    tasks: { fn: failTimes(1, 'E') },
    output: { Error: 'E', Cause: 'failure 1' },
  },
  {
    name: 'Catch ResultPath keeps the input and adds the error',
    definition: withHandler({
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handler', ResultPath: '$.error' }],
    }),
    tasks: { fn: failTimes(1, 'E') },
    input: { keep: true },
    output: { keep: true, error: { Error: 'E', Cause: 'failure 1' } },
  },
  {
    name: 'Catch ResultPath null discards the error',
    definition: withHandler({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handler', ResultPath: null }] }),
    tasks: { fn: failTimes(1, 'E') },
    input: { keep: true },
    output: { keep: true },
  },
  {
    name: 'retries run out before Catch applies',
    definition: withHandler({
      Retry: [{ ErrorEquals: ['E'], MaxAttempts: 2 }],
      Catch: [{ ErrorEquals: ['E'], Next: 'Handler' }],
    }),
    tasks: { fn: failTimes(9, 'E') },
    output: { Error: 'E', Cause: 'failure 3' },
    sleeps: [1000, 2000],
  },
  {
    name: 'the first matching catcher wins',
    definition: {
      StartAt: 'S',
      States: {
        S: {
          Type: 'Task',
          Resource: 'fn',
          End: true,
          Catch: [
            { ErrorEquals: ['Other'], Next: 'A' },
            { ErrorEquals: ['E', 'F'], Next: 'B' },
            { ErrorEquals: ['States.ALL'], Next: 'A' },
          ],
        },
        A: { Type: 'Pass', Result: 'A', End: true },
        B: { Type: 'Pass', Result: 'B', End: true },
      },
    },
    tasks: { fn: failTimes(1, 'F') },
    output: 'B',
  },
  {
    name: 'an unmatched error fails the execution',
    definition: withHandler({ Catch: [{ ErrorEquals: ['Other'], Next: 'Handler' }] }),
    tasks: { fn: failTimes(1, 'E') },
    error: 'E',
  },
  {
    name: 'States.ALL does not catch States.Runtime',
    definition: withHandler({
      OutputPath: '$.missing',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handler' }],
    }),
    tasks: { fn: () => ({}) },
    error: 'States.Runtime',
  },
  {
    name: 'States.Runtime can be caught by name',
    note: 'AWS accepts naming States.Runtime explicitly; only the wildcard excludes it',
    definition: withHandler({
      OutputPath: '$.missing',
      Catch: [{ ErrorEquals: ['States.Runtime'], Next: 'Handler' }],
    }),
    tasks: { fn: () => ({}) },
    check(result) {
      assert.equal(result.status, 'SUCCEEDED');
      if (result.status === 'SUCCEEDED')
        assert.equal((result.output as { Error: string }).Error, 'States.Runtime');
    },
  },
  {
    name: 'States.ALL does not catch States.DataLimitExceeded',
    note: 'AWS: DataLimitExceeded is terminal and cannot be caught by States.ALL',
    definition: withHandler({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handler' }] }),
    tasks: { fn: () => 'x'.repeat(300 * 1024) },
    error: 'States.DataLimitExceeded',
  },
  {
    name: 'JSONPath Assign in a Task reads the result after ResultSelector',
    definition: {
      StartAt: 'S',
      States: {
        S: {
          Type: 'Task',
          Resource: 'fn',
          ResultSelector: { 'id.$': '$.job.id' },
          Assign: { 'jobId.$': '$.id' },
          ResultPath: null,
          Next: 'Use',
        },
        Use: { Type: 'Pass', Parameters: { 'job.$': '$jobId', 'input.$': '$' }, End: true },
      },
    },
    tasks: { fn: () => ({ job: { id: 'j-1' } }) },
    input: { keep: 1 },
    output: { job: 'j-1', input: { keep: 1 } },
  },
  {
    name: 'States.Timeout can be caught',
    definition: withHandler({
      TimeoutSeconds: 2,
      Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Handler' }],
    }),
    tasks: { fn: async (_p, request, clock) => clock.sleep(9000, request.signal).then(() => 'late') },
    output: { Error: 'States.Timeout', Cause: 'The task timed out.' },
  },
  {
    name: 'ResultPathMatchFailure is catchable',
    definition: withHandler({
      ResultPath: '$.s.x',
      Catch: [{ ErrorEquals: ['States.ResultPathMatchFailure'], Next: 'Handler', ResultPath: '$.err' }],
    }),
    tasks: { fn: () => 1 },
    input: { s: 'text' },
    check(result) {
      assert.equal(result.status, 'SUCCEEDED');
      if (result.status === 'SUCCEEDED')
        assert.equal(
          (result.output as { err: { Error: string } }).err.Error,
          'States.ResultPathMatchFailure',
        );
    },
  },
  {
    name: 'Catch Assign sets variables from the error output',
    definition: {
      StartAt: 'S',
      States: {
        S: {
          Type: 'Task',
          Resource: 'fn',
          End: true,
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'H', Assign: { 'failedWith.$': '$.Error' } }],
        },
        H: { Type: 'Pass', Parameters: { 'v.$': '$failedWith' }, End: true },
      },
    },
    tasks: { fn: failTimes(1, 'Boom') },
    output: { v: 'Boom' },
  },
]);
