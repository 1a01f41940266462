/** Conformance: the Task state: parameters, results, timeouts, heartbeats and task tokens. */
import assert from 'node:assert/strict';
import { TaskError } from '../../../src/workflows/asl/index.ts';
import { echo, takes } from './harness/collaborators.ts';
import { runCases, single } from './harness/run-cases.ts';

runCases('Task', [
  {
    name: 'the task receives the effective input when there are no Parameters',
    definition: single({ Type: 'Task', Resource: 'fn' }),
    tasks: { fn: echo },
    input: { a: 1 },
    output: { a: 1 },
    check: (_r, world) => assert.deepEqual(world.calls, [{ resource: 'fn', parameters: { a: 1 } }]),
  },
  {
    name: 'Parameters shape the task request, with the context object',
    definition: single({
      Type: 'Task',
      Resource: 'fn',
      Parameters: { 'x.$': '$.x', 'state.$': '$$.State.Name', fixed: true },
    }),
    tasks: { fn: echo },
    input: { x: 'v' },
    output: { x: 'v', state: 'S', fixed: true },
  },
  {
    name: 'ResultSelector reshapes the result before ResultPath',
    definition: single({
      Type: 'Task',
      Resource: 'fn',
      ResultSelector: { 'id.$': '$.Payload.id' },
      ResultPath: '$.created',
    }),
    tasks: { fn: () => ({ Payload: { id: 'job-1', noise: 'x' }, StatusCode: 200 }) },
    input: { request: 1 },
    output: { request: 1, created: { id: 'job-1' } },
  },
  {
    name: 'OutputPath after ResultPath',
    definition: single({ Type: 'Task', Resource: 'fn', ResultPath: '$.r', OutputPath: '$.r' }),
    tasks: { fn: () => 5 },
    input: {},
    output: 5,
  },
  {
    name: 'a task returning nothing gives null',
    definition: single({ Type: 'Task', Resource: 'fn' }),
    tasks: { fn: () => undefined as never },
    output: null,
  },
  {
    name: 'a TaskError keeps its name and cause',
    definition: single({ Type: 'Task', Resource: 'fn' }),
    tasks: {
      fn: () => {
        throw new TaskError('Sagemaker.ResourceLimitExceeded', 'quota reached');
      },
    },
    error: 'Sagemaker.ResourceLimitExceeded',
    cause: 'quota reached',
  },
  {
    name: 'any other exception is States.TaskFailed with the message as cause',
    definition: single({ Type: 'Task', Resource: 'fn' }),
    tasks: {
      fn: () => {
        throw new Error('boom');
      },
    },
    error: 'States.TaskFailed',
    cause: 'boom',
  },
  {
    name: 'TimeoutSeconds fails a slow task with States.Timeout',
    definition: single({ Type: 'Task', Resource: 'slow', TimeoutSeconds: 5 }),
    tasks: { slow: takes(10) },
    error: 'States.Timeout',
    sleeps: [5000],
  },
  {
    name: 'a task finishing within TimeoutSeconds succeeds',
    definition: single({ Type: 'Task', Resource: 'slow', TimeoutSeconds: 5 }),
    tasks: { slow: takes(2, 'done') },
    output: 'done',
    sleeps: [2000],
  },
  {
    name: 'TimeoutSecondsPath reads the timeout from the input',
    definition: single({ Type: 'Task', Resource: 'slow', TimeoutSecondsPath: '$.timeout' }),
    tasks: { slow: takes(10) },
    input: { timeout: 3 },
    error: 'States.Timeout',
    sleeps: [3000],
  },
  {
    name: 'HeartbeatSeconds fails a silent task with States.HeartbeatTimeout',
    definition: single({ Type: 'Task', Resource: 'silent', HeartbeatSeconds: 2, TimeoutSeconds: 60 }),
    tasks: { silent: takes(30) },
    error: 'States.HeartbeatTimeout',
    sleeps: [2000],
  },
  {
    name: 'heartbeats keep a long task alive',
    definition: single({ Type: 'Task', Resource: 'beating', HeartbeatSeconds: 2, TimeoutSeconds: 60 }),
    tasks: {
      beating: async (_p, request, clock) => {
        for (let i = 0; i < 5; i++) {
          await clock.sleep(1000, request.signal);
          request.heartbeat();
        }
        return 'alive';
      },
    },
    output: 'alive',
  },
  {
    name: 'the timed-out task is told to stop through its signal',
    definition: single({ Type: 'Task', Resource: 'slow', TimeoutSeconds: 1 }),
    tasks: {
      slow: async (_p, request, clock) => {
        await clock.sleep(5000, request.signal).catch(() => {});
        assert.equal(request.signal.aborted, true);
        return 'late';
      },
    },
    error: 'States.Timeout',
  },
  {
    name: '.waitForTaskToken passes a token, also visible as $$.Task.Token',
    definition: single({
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      Parameters: { 'token.$': '$$.Task.Token' },
    }),
    tasks: { '*': (parameters, request) => ({ sent: parameters, token: request.taskToken ?? null }) },
    output: {
      sent: { token: '00000000-0000-4000-8000-000000000002' },
      token: '00000000-0000-4000-8000-000000000002',
    },
  },
  {
    name: 'task history: scheduled, started, succeeded',
    definition: single({ Type: 'Task', Resource: 'fn', TimeoutSeconds: 9 }),
    tasks: { fn: () => 1 },
    output: 1,
    check(_r, world) {
      const types = world.history.map((e) => e.type);
      assert.deepEqual(types, [
        'ExecutionStarted',
        'TaskStateEntered',
        'TaskScheduled',
        'TaskStarted',
        'TaskSucceeded',
        'TaskStateExited',
        'ExecutionSucceeded',
      ]);
      const scheduled = world.history[2];
      assert.deepEqual(scheduled.details, {
        resource: 'fn',
        parameters: {},
        retryCount: 0,
        timeoutInSeconds: 9,
      });
    },
  },
  {
    name: 'a task result above 256 KiB is States.DataLimitExceeded',
    definition: single({ Type: 'Task', Resource: 'big' }),
    tasks: { big: () => 'x'.repeat(300 * 1024) },
    error: 'States.DataLimitExceeded',
  },
]);
