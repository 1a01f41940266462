/**
 * API views in Step Functions' shapes, camelCase: DescribeStateMachine, DescribeExecution and
 * GetExecutionHistory. As in Step Functions, `definition`, `input` and `output` are JSON text.
 */
import { isoTime } from '../core/clock.ts';
import type { HistoryEvent, Json } from './asl/index.ts';
import type { ExecutionRecord } from './execution-service.ts';
import type { WorkflowRecord } from './workflow-service.ts';

export function describeWorkflow(record: WorkflowRecord, options: { definition?: boolean } = {}) {
  const { spec, status } = record;
  return {
    stateMachineArn: record.arn,
    name: record.name,
    status: 'ACTIVE',
    type: 'STANDARD',
    ...(options.definition === false ? {} : { definition: JSON.stringify(spec.definition) }),
    ...(spec.roleArn ? { roleArn: spec.roleArn } : {}),
    ...(spec.description ? { description: spec.description } : {}),
    ...(spec.queryLanguage ? { queryLanguage: spec.queryLanguage } : {}),
    tags: spec.tags ?? [],
    revision: status.revision,
    revisionId: String(status.revision),
    creationDate: isoTime(record.createdAt),
    updateDate: isoTime(status.revisionDate),
    version: record.version,
  };
}

export function describeExecution(record: ExecutionRecord) {
  const { spec, status } = record;
  const input = JSON.stringify(spec.input);
  return {
    executionArn: record.arn,
    stateMachineArn: `${record.arn.split(':execution/')[0]}:state-machine/${spec.workflowName}`,
    name: record.name,
    workflowName: spec.workflowName,
    workflowRevision: spec.workflowRevision,
    status: status.status,
    startDate: isoTime(status.startDate),
    ...(status.stopDate !== undefined ? { stopDate: isoTime(status.stopDate) } : {}),
    input,
    inputDetails: { included: true },
    ...(status.output !== undefined
      ? { output: JSON.stringify(status.output), outputDetails: { included: true } }
      : {}),
    ...(status.error !== undefined ? { error: status.error } : {}),
    ...(status.cause !== undefined ? { cause: status.cause } : {}),
    ...(spec.parentExecution ? { parentExecutionName: spec.parentExecution } : {}),
    ...(status.stopRequested && status.status === 'RUNNING' ? { stopRequested: true } : {}),
  };
}

/** ListExecutions' item shape. */
export function executionListItem(record: ExecutionRecord) {
  const { input, inputDetails, output, outputDetails, ...rest } = describeExecution(record);
  return rest;
}

const text = (value: Json | undefined) => (value === undefined ? undefined : JSON.stringify(value));

/** `arn:aws:states:::sagemaker:createTrainingJob.sync` → resourceType `sagemaker`, resource `createTrainingJob.sync`. */
function splitResource(resource: string): { resourceType: string; resource: string } {
  const match = /^arn:[^:]+:states:[^:]*:[^:]*:([^:]+):(.+)$/.exec(resource);
  if (match) return { resourceType: match[1]!, resource: match[2]! };
  const lambda = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:(.+)$/.exec(resource);
  if (lambda) return { resourceType: 'lambda', resource: lambda[1]! };
  return { resourceType: 'unknown', resource };
}

const detailsKey: Record<string, string> = {
  ExecutionStarted: 'executionStartedEventDetails',
  ExecutionSucceeded: 'executionSucceededEventDetails',
  ExecutionFailed: 'executionFailedEventDetails',
  ExecutionAborted: 'executionAbortedEventDetails',
  ExecutionTimedOut: 'executionTimedOutEventDetails',
  TaskScheduled: 'taskScheduledEventDetails',
  TaskStarted: 'taskStartedEventDetails',
  TaskSucceeded: 'taskSucceededEventDetails',
  TaskFailed: 'taskFailedEventDetails',
  TaskTimedOut: 'taskTimedOutEventDetails',
  MapStateStarted: 'mapStateStartedEventDetails',
  MapIterationStarted: 'mapIterationStartedEventDetails',
  MapIterationSucceeded: 'mapIterationSucceededEventDetails',
  MapIterationFailed: 'mapIterationFailedEventDetails',
  MapIterationAborted: 'mapIterationAbortedEventDetails',
  MapRunFailed: 'mapRunFailedEventDetails',
  MapRunStarted: 'mapRunStartedEventDetails',
};

function eventDetails(event: HistoryEvent): Record<string, unknown> | undefined {
  const d = event.details as Record<string, Json>;
  if (event.type.endsWith('StateEntered')) return { name: d.name, input: text(d.input) };
  if (event.type.endsWith('StateExited')) return { name: d.name, output: text(d.output) };
  switch (event.type) {
    case 'ExecutionStarted':
      return {
        input: text(d.input),
        inputDetails: { truncated: false },
        ...(d.roleArn ? { roleArn: d.roleArn } : {}),
        stateMachineArn: d.stateMachineArn,
      };
    case 'ExecutionSucceeded':
      return { output: text(d.output), outputDetails: { truncated: false } };
    case 'TaskScheduled':
      return {
        ...splitResource(String(d.resource)),
        region: 'local',
        parameters: text(d.parameters),
        ...(d.timeoutInSeconds !== undefined ? { timeoutInSeconds: d.timeoutInSeconds } : {}),
        ...(d.heartbeatInSeconds !== undefined ? { heartbeatInSeconds: d.heartbeatInSeconds } : {}),
      };
    case 'TaskStarted':
      return splitResource(String(d.resource));
    case 'TaskSucceeded':
      return { ...splitResource(String(d.resource)), output: text(d.output) };
    case 'TaskFailed':
    case 'TaskTimedOut':
      return { ...splitResource(String(d.resource)), error: d.error, cause: d.cause };
    default:
      return Object.keys(d).length > 0 ? { ...d } : undefined;
  }
}

export function historyEventView(event: HistoryEvent) {
  const details = eventDetails(event);
  const key = detailsKey[event.type];
  return {
    timestamp: event.timestamp,
    type: event.type,
    id: event.id,
    previousEventId: event.previousEventId,
    ...(details
      ? {
          [key ??
            (event.type.endsWith('Entered')
              ? 'stateEnteredEventDetails'
              : event.type.endsWith('Exited')
                ? 'stateExitedEventDetails'
                : `${event.type[0]!.toLowerCase()}${event.type.slice(1)}EventDetails`)]: details,
        }
      : {}),
  };
}
