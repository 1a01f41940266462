/** Resource types of the workflow domain: workflows (state machines) and their executions. */
import { ResourceName, type Static, StrictObject, Tags, Type } from '../core/schema.ts';
import type { ExecutionStatus, Json, MachineDefinition, QueryLanguage } from './asl/index.ts';

export const workflowKind = 'workflow';
export const executionKind = 'execution';

export const WorkflowSpecSchema = StrictObject({
  name: ResourceName,
  /** The ASL definition: an object, or its JSON text (as Step Functions' `definition`). */
  definition: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.String({ maxLength: 1_048_576 })]),
  roleArn: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  /** The default query language; the definition's own QueryLanguage wins when both are given. */
  queryLanguage: Type.Optional(Type.Union([Type.Literal('JSONPath'), Type.Literal('JSONata')])),
  description: Type.Optional(Type.String({ maxLength: 256 })),
  tags: Type.Optional(Tags),
});
export type WorkflowInput = Static<typeof WorkflowSpecSchema>;

export const WorkflowUpdateSchema = StrictObject({
  definition: Type.Optional(WorkflowSpecSchema.properties.definition),
  roleArn: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  queryLanguage: WorkflowSpecSchema.properties.queryLanguage,
  description: Type.Optional(Type.String({ maxLength: 256 })),
  tags: Type.Optional(Tags),
});

export interface WorkflowSpec {
  name: string;
  definition: MachineDefinition;
  roleArn?: string;
  queryLanguage?: QueryLanguage;
  description?: string;
  tags?: Array<{ key: string; value: string }>;
}

export interface WorkflowStatus {
  /** Increments on every update; executions record the revision they run. */
  revision: number;
  revisionDate: number;
}

export const StartExecutionSchema = StrictObject({
  name: Type.Optional(ResourceName),
  /** The execution input: any JSON value, or its JSON text (as Step Functions' `input`). */
  input: Type.Optional(Type.Unknown()),
});

export const StartExecutionByWorkflowSchema = StrictObject({
  workflowName: ResourceName,
  name: Type.Optional(ResourceName),
  input: Type.Optional(Type.Unknown()),
});

export interface ExecutionSpec {
  name: string;
  workflowName: string;
  workflowRevision: number;
  /** The definition the execution runs: fixed at start, so updating the workflow cannot change it. */
  definition: MachineDefinition;
  input: Json;
  roleArn?: string;
  /** Set for an execution started by a parent's `states:startExecution` task. */
  parentExecution?: string;
}

export interface ExecutionStatusRecord {
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  output?: Json;
  error?: string;
  cause?: string;
  /** Set by a stop request; the controller aborts the run with this error and cause. */
  stopRequested?: { error?: string; cause?: string };
}

export const executionStatuses = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;
