/** Workflows and executions through the REST API, on every store backend. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TaskError } from '../../src/workflows/asl/index.ts';
import { databaseBackends, type TestDatabase } from '../helpers/databases.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { waitFor } from '../helpers/wait.ts';
import { assertGapFree, type Described, historyOf, waitForExecution } from './helpers.ts';

const pipeline = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Parameters: { 'rows.$': '$.rows' }, Next: 'Double' },
    Double: {
      Type: 'Task',
      Resource: 'arn:aws:states:::slipway-test:double',
      Retry: [{ ErrorEquals: ['Test.Flaky'], IntervalSeconds: 1, MaxAttempts: 2 }],
      Next: 'Check',
    },
    Check: {
      Type: 'Choice',
      Choices: [{ Variable: '$.rows', NumericGreaterThan: 10, Next: 'Big' }],
      Default: 'Small',
    },
    Big: { Type: 'Succeed' },
    Small: { Type: 'Fail', Error: 'Pipeline.TooSmall', Cause: 'fewer than 10 rows' },
  },
};

for (const backend of databaseBackends()) {
  describe(`workflows and executions (${backend.name})`, () => {
    let db: TestDatabase;
    let slipway: TestSlipway;
    let flaky = 0;
    before(async () => {
      db = await backend.create();
      slipway = await startTestSlipway({ config: { databaseUrl: db.url } });
      slipway.platform.workflows.integrations.register('arn:aws:states:::slipway-test:double', {
        async run(request) {
          const rows = (request.parameters as { rows: number }).rows;
          if (rows === 7 && flaky++ === 0) throw new TaskError('Test.Flaky', 'first attempt fails');
          return { rows: rows * 2 };
        },
      });
    });
    after(async () => {
      await slipway.cleanup();
      await db.cleanup();
    });

    it('refuses an invalid definition, naming the state and field', async () => {
      const client = slipway.client();
      const broken = structuredClone(pipeline) as Described;
      broken.States.Prepare.Next = 'Prepar';
      await assert.rejects(
        client.post('/api/v1/workflows', { name: 'broken', definition: broken }),
        (error: Described) => {
          assert.equal(error.details.field, 'definition.States.Prepare.Next');
          assert.match(error.message, /"Prepar" does not exist/);
          return true;
        },
      );
      const unknown = structuredClone(pipeline) as Described;
      unknown.States.Double.Resource = 'arn:aws:states:::nowhere:doSomething';
      await assert.rejects(
        client.post('/api/v1/workflows', { name: 'unknown', definition: unknown }),
        (error: Described) => {
          assert.equal(error.details.field, 'definition.States.Double.Resource');
          assert.match(error.message, /not a task integration/);
          return true;
        },
      );
      await assert.rejects(client.post('/api/v1/workflows', { name: 'x', definition: pipeline, color: 1 }), {
        message: /color: is not a known field/,
      });
    });

    it('creates, describes, runs and records a Step Functions history', async () => {
      const client = slipway.client();
      const created = await client.post<Described>('/api/v1/workflows', {
        name: 'doubler',
        definition: pipeline,
        description: 'doubles rows',
      });
      assert.equal(created.revision, 1);
      assert.deepEqual(JSON.parse(created.definition), pipeline);
      const described = await client.get<Described>('/api/v1/workflows/doubler');
      assert.equal(described.stateMachineArn, created.stateMachineArn);

      const started = await client.post<Described>('/api/v1/workflows/doubler/executions', {
        name: 'run-1',
        input: { rows: 7 },
      });
      assert.equal(started.status, 'RUNNING');
      const done = await waitForExecution(client, 'run-1');
      assert.equal(done.status, 'SUCCEEDED', done.cause);
      assert.deepEqual(JSON.parse(done.output), { rows: 14 });
      assert.ok(done.stopDate >= done.startDate);

      const events = await historyOf(client, 'run-1');
      assertGapFree(events);
      assert.deepEqual(
        events.map((e) => e.type),
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
          'ChoiceStateEntered',
          'ChoiceStateExited',
          'SucceedStateEntered',
          'SucceedStateExited',
          'ExecutionSucceeded',
        ],
      );
      assert.equal(events[4]!.taskScheduledEventDetails.resourceType, 'slipway-test');
      assert.equal(events[4]!.taskScheduledEventDetails.resource, 'double');
      assert.deepEqual(JSON.parse(events[4]!.taskScheduledEventDetails.parameters), { rows: 7 });
      assert.equal(events[6]!.taskFailedEventDetails.error, 'Test.Flaky');
      assert.deepEqual(JSON.parse(events.at(-1)!.executionSucceededEventDetails.output), { rows: 14 });

      const failed = await client.post<Described>('/api/v1/executions', {
        workflowName: 'doubler',
        name: 'run-2',
        input: JSON.stringify({ rows: 2 }),
      });
      const end = await waitForExecution(client, failed.name);
      assert.equal(end.status, 'FAILED');
      assert.equal(end.error, 'Pipeline.TooSmall');

      const listed = await client.get<{ items: Described[] }>('/api/v1/executions', {
        workflowName: 'doubler',
        statusFilter: 'FAILED',
      });
      assert.deepEqual(
        listed.items.map((e) => e.name),
        ['run-2'],
      );
      await assert.rejects(client.get('/api/v1/executions', { statusFilter: 'DONE' }), /statusFilter/);
    });

    it('updates a workflow to a new revision; a running execution keeps its definition', async () => {
      const client = slipway.client();
      await client.post('/api/v1/workflows', {
        name: 'waiter',
        definition: {
          StartAt: 'W',
          States: {
            W: { Type: 'Wait', Seconds: 1, Next: 'P' },
            P: { Type: 'Pass', Result: 'v1', End: true },
          },
        },
      });
      await client.post('/api/v1/workflows/waiter/executions', { name: 'old-rev' });
      const updated = await client.request<Described>('PUT', '/api/v1/workflows/waiter', {
        definition: { StartAt: 'P', States: { P: { Type: 'Pass', Result: 'v2', End: true } } },
      });
      assert.equal(updated.revision, 2);
      await assert.rejects(
        client.request('PUT', '/api/v1/workflows/waiter', { definition: { StartAt: 'Q', States: {} } }),
        (error: Described) => error.details.field === 'definition.States',
      );
      const old = await waitForExecution(client, 'old-rev');
      assert.equal(JSON.parse(old.output), 'v1');
      assert.equal(old.workflowRevision, 1);
      await client.post('/api/v1/workflows/waiter/executions', { name: 'new-rev' });
      const fresh = await waitForExecution(client, 'new-rev');
      assert.equal(JSON.parse(fresh.output), 'v2');
      assert.equal(fresh.workflowRevision, 2);
    });

    it('stops a running execution: ABORTED with the given error and cause', async () => {
      const client = slipway.client();
      await client.post('/api/v1/workflows', {
        name: 'sleeper',
        definition: { StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 3600, End: true } } },
      });
      await client.post('/api/v1/workflows/sleeper/executions', { name: 'nap-1' });
      await waitFor(
        async () => (await historyOf(client, 'nap-1')).some((e) => e.type === 'WaitStateEntered'),
        {
          what: 'the wait to start',
        },
      );
      await assert.rejects(client.delete('/api/v1/workflows/sleeper'), /RUNNING execution/);
      await client.post('/api/v1/executions/nap-1/stop', {
        error: 'User.Cancelled',
        cause: 'changed my mind',
      });
      const stopped = await waitForExecution(client, 'nap-1');
      assert.equal(stopped.status, 'ABORTED');
      assert.equal(stopped.error, 'User.Cancelled');
      assert.equal(stopped.cause, 'changed my mind');
      const events = await historyOf(client, 'nap-1');
      assert.equal(events.at(-1)!.type, 'ExecutionAborted');
      await assert.rejects(client.post('/api/v1/executions/nap-1/stop', {}), /only a RUNNING execution/);
      await client.delete('/api/v1/workflows/sleeper');
      await assert.rejects(client.get('/api/v1/workflows/sleeper'), /does not exist/);
    });

    it('runs many executions concurrently', async () => {
      const client = slipway.client();
      await client.post('/api/v1/workflows', {
        name: 'fan',
        definition: {
          StartAt: 'W',
          States: {
            W: { Type: 'Wait', Seconds: 1, Next: 'M' },
            M: {
              Type: 'Map',
              ItemsPath: '$.items',
              ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
              End: true,
            },
          },
        },
      });
      const names = Array.from({ length: 40 }, (_, i) => `fan-${i}`);
      await Promise.all(
        names.map((name, i) =>
          client.post('/api/v1/workflows/fan/executions', { name, input: { items: [i, i + 1] } }),
        ),
      );
      for (const [i, name] of names.entries()) {
        const done = await waitForExecution(client, name);
        assert.equal(done.status, 'SUCCEEDED');
        assert.deepEqual(JSON.parse(done.output), [i, i + 1]);
      }
      // All 40 waited their one second together, not one after the other.
      const runs = await client.get<{ items: Described[] }>('/api/v1/executions', { workflowName: 'fan' });
      const starts = runs.items.map((e) => Date.parse(e.startDate));
      const stops = runs.items.map((e) => Date.parse(e.stopDate));
      assert.ok(Math.min(...stops) > Math.max(...starts) - 1000, 'the executions overlapped');
    });

    it('completes .waitForTaskToken tasks through the callbacks', async () => {
      const client = slipway.client();
      const issued: string[] = [];
      slipway.platform.workflows.integrations.register('arn:aws:states:::slipway-test:ask', {
        async run(request) {
          issued.push((request.parameters as { token: string }).token);
          return null;
        },
      });
      await client.post('/api/v1/workflows', {
        name: 'asker',
        definition: {
          StartAt: 'Ask',
          States: {
            Ask: {
              Type: 'Task',
              Resource: 'arn:aws:states:::slipway-test:ask.waitForTaskToken',
              Parameters: { 'token.$': '$$.Task.Token' },
              Catch: [{ ErrorEquals: ['Human.Rejected'], Next: 'Rejected' }],
              End: true,
            },
            Rejected: { Type: 'Pass', Result: 'rejected', End: true },
          },
        },
      });
      await client.post('/api/v1/workflows/asker/executions', { name: 'ask-yes' });
      await waitFor(() => issued.length === 1, { what: 'the first token' });
      await assert.rejects(
        client.post('/api/v1/executions/task-success', { taskToken: 'nope', output: '{}' }),
        /no task is waiting/,
      );
      await assert.rejects(client.post('/api/v1/executions/task-success', {}), /taskToken: is required/);
      await client.post('/api/v1/executions/task-heartbeat', { taskToken: issued[0] });
      await client.post('/api/v1/executions/task-success', { taskToken: issued[0], output: '{"ok":true}' });
      assert.deepEqual(JSON.parse((await waitForExecution(client, 'ask-yes')).output), { ok: true });

      await client.post('/api/v1/workflows/asker/executions', { name: 'ask-no' });
      await waitFor(() => issued.length === 2, { what: 'the second token' });
      await client.post('/api/v1/executions/task-failure', {
        taskToken: issued[1],
        error: 'Human.Rejected',
        cause: 'no',
      });
      assert.equal(JSON.parse((await waitForExecution(client, 'ask-no')).output), 'rejected');
    });
  });
}
