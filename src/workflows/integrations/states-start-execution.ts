/**
 * `arn:aws:states:::states:startExecution` (nested workflows): `{ StateMachineArn, Input, Name }`.
 * Request-response answers `{ ExecutionArn, StartDate }`; `.sync` waits for the child and answers
 * DescribeExecution in PascalCase with Output as JSON text, `.sync:2` with Output as JSON. A failed
 * child fails the task (States.TaskFailed); stopping the parent stops the child.
 */
import { createHash } from 'node:crypto';
import { CoreErrors, isSlipwayError } from '../../core/errors.ts';
import type { EventBus } from '../../core/events.ts';
import { type Json, TaskError, type TaskRequest } from '../asl/index.ts';
import type { ExecutionRecord, ExecutionService } from '../execution-service.ts';
import { describeExecution } from '../views.ts';
import { isAbandoned } from './abandon.ts';
import { toPascalKeys } from './case-keys.ts';
import type { IntegrationHandler } from './registry.ts';
import { waitUntil } from './wait-until.ts';

export const startExecutionResource = 'arn:aws:states:::states:startExecution';

/** A workflow name, Slipway's state-machine ARN, or an AWS one (`…:stateMachine:NAME`). */
export function workflowNameOf(value: string): string {
  const match = /(?:state-machine\/|:stateMachine:)([^:/]+)$/.exec(value);
  return match ? match[1]! : value;
}

export function startExecutionIntegration(deps: {
  executions: ExecutionService;
  events: EventBus;
  pollMs?: number;
}): IntegrationHandler {
  const start = async (request: TaskRequest): Promise<ExecutionRecord> => {
    const p = request.parameters as { StateMachineArn?: unknown; Input?: Json; Name?: unknown } | null;
    if (!p || typeof p.StateMachineArn !== 'string')
      throw new TaskError('States.Runtime', 'states:startExecution: Parameters.StateMachineArn is required');
    // Without a Name, the child's name is derived from the parent, the state, the attempt and the
    // input: a task re-invoked after a restart finds the child it started instead of a second one.
    const name =
      typeof p.Name === 'string'
        ? p.Name
        : `${request.execution.name.slice(0, 30)}-${createHash('sha256')
            .update(JSON.stringify([request.execution.stateName, request.execution.retryCount, p]))
            .digest('hex')
            .slice(0, 24)}`;
    try {
      return await deps.executions.start({
        workflowName: workflowNameOf(p.StateMachineArn),
        body: { name, input: p.Input ?? {} },
        parentExecution: request.execution.name,
      });
    } catch (error) {
      if (isSlipwayError(error) && error.code === CoreErrors.alreadyExists.code) {
        const existing = await deps.executions.get(name);
        if (existing.spec.parentExecution === request.execution.name) return existing;
      }
      throw new TaskError('StepFunctions.ValidationException', (error as Error).message);
    }
  };
  const sync = (version: 1 | 2) => async (request: TaskRequest) => {
    const child = await start(request);
    const onAbort = () => {
      if (isAbandoned(request.signal)) return;
      void deps.executions
        .stop(child.name, { error: 'States.Aborted', cause: 'the parent execution stopped it' })
        .catch(() => {});
    };
    request.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const done = await waitUntil({
        check: async () => {
          const current = await deps.executions.get(child.name);
          return current.status.status === 'RUNNING' ? undefined : current;
        },
        events: deps.events,
        pattern: 'execution.*',
        signal: request.signal,
        intervalMs: deps.pollMs,
      });
      const described = toPascalKeys(JSON.parse(JSON.stringify(describeExecution(done))) as Json) as Record<
        string,
        Json
      >;
      if (version === 2 && typeof described.Output === 'string')
        described.Output = JSON.parse(described.Output);
      if (done.status.status !== 'SUCCEEDED')
        throw new TaskError('States.TaskFailed', JSON.stringify(described));
      return described;
    } finally {
      request.signal.removeEventListener('abort', onAbort);
    }
  };
  return {
    async run(request) {
      const child = await start(request);
      return { ExecutionArn: child.arn, StartDate: new Date(child.status.startDate).toISOString() };
    },
    sync: (request) => (/\.sync:2$/.test(request.resource) ? sync(2)(request) : sync(1)(request)),
  };
}
