/**
 * Executions: start (validate input, build the initial snapshot, store record and snapshot in one
 * transaction), describe, list, history, stop, and the task-token callbacks. Running them is the
 * executions controller's work.
 */
import { invalid } from '../core/errors.ts';
import type { EventBus } from '../core/events.ts';
import { arnOf, newId } from '../core/ids.ts';
import { resourceNamePattern, validate } from '../core/schema.ts';
import type { ResourceRecord, Store } from '../store/store.ts';
import { createExecution, type HistoryEvent, type Json, systemCollaborators } from './asl/index.ts';
import { WorkflowErrors } from './errors.ts';
import type { TaskTokens } from './integrations/task-tokens.ts';
import type { HistoryStore } from './store/history-store.ts';
import {
  type ExecutionSpec,
  type ExecutionStatusRecord,
  executionKind,
  executionStatuses,
  StartExecutionByWorkflowSchema,
  StartExecutionSchema,
} from './types.ts';
import { type WorkflowService, workflowArn } from './workflow-service.ts';

export type ExecutionRecord = ResourceRecord<ExecutionSpec, ExecutionStatusRecord>;

/** Step Functions' limit on an execution's input. */
const maxInputBytes = 256 * 1024;

export function executionArn(name: string): string {
  return arnOf('states', 'execution', name);
}

export function executionResource(name: string): string {
  return `${executionKind}/${name}`;
}

export class ExecutionService {
  /** Called after an execution is started or asked to stop, so a local controller reacts at once. */
  onChange: (name: string) => void = () => {};

  constructor(
    private readonly deps: {
      store: Store;
      events: EventBus;
      workflows: WorkflowService;
      history: HistoryStore;
      tokens: TaskTokens;
    },
  ) {}

  /** Starts `workflowName` (body of POST /workflows/<name>/executions, or with workflowName inside). */
  async start(options: { workflowName?: string; body: unknown; parentExecution?: string }) {
    let workflowName: string;
    let body: { name?: string; input?: unknown };
    if (options.workflowName) {
      workflowName = options.workflowName;
      body = validate(StartExecutionSchema, options.body ?? {});
    } else {
      const parsed = validate(StartExecutionByWorkflowSchema, options.body);
      workflowName = parsed.workflowName;
      body = parsed;
    }
    const workflow = await this.deps.workflows.get(workflowName);
    const input = parseInput(body.input);
    const name = body.name ?? newId();
    if (!new RegExp(resourceNamePattern).test(name))
      throw invalid('name', `must match ${resourceNamePattern}`);
    const snapshot = createExecution({
      definition: workflow.spec.definition,
      input,
      name,
      executionId: executionArn(name),
      stateMachineId: workflow.arn,
      stateMachineName: workflow.name,
      roleArn: workflow.spec.roleArn,
      collaborators: {
        ...systemCollaborators,
        now: () => this.deps.store.clock.now(),
        invokeTask: () => Promise.reject(new Error('not running')),
      },
    });
    const spec: ExecutionSpec = {
      name,
      workflowName,
      workflowRevision: workflow.status.revision,
      definition: workflow.spec.definition,
      input,
      ...(workflow.spec.roleArn ? { roleArn: workflow.spec.roleArn } : {}),
      ...(options.parentExecution ? { parentExecution: options.parentExecution } : {}),
    };
    const record = await this.deps.store.transaction(async (tx) => {
      const created = await this.deps.store.createResource<ExecutionSpec, ExecutionStatusRecord>({
        kind: executionKind,
        name,
        arn: executionArn(name),
        spec,
        status: { status: 'RUNNING', startDate: snapshot.execution.startTime },
        phase: 'RUNNING',
        tx,
      });
      await this.deps.history.write(name, [], snapshot, tx);
      await this.deps.events.publish({
        resource: executionResource(name),
        type: 'execution.started',
        detail: { executionName: name, workflowName },
        tx,
      });
      return created;
    });
    this.onChange(name);
    return record;
  }

  get(name: string): Promise<ExecutionRecord> {
    return this.deps.store.requireResource({ kind: executionKind, name });
  }

  /** Newest first; `workflowName` filters after paging (the filter is on the spec). */
  async list(options: { limit?: number; nextToken?: string; workflowName?: string; statusFilter?: string }) {
    if (options.statusFilter && !(executionStatuses as readonly string[]).includes(options.statusFilter))
      throw invalid('statusFilter', `must be one of ${executionStatuses.join(', ')}`);
    const page = await this.deps.store.listResources<ExecutionSpec, ExecutionStatusRecord>({
      kind: executionKind,
      limit: options.limit,
      nextToken: options.nextToken,
      phase: options.statusFilter,
    });
    const items = options.workflowName
      ? page.items.filter((item) => item.spec.workflowName === options.workflowName)
      : page.items;
    return { items, nextToken: page.nextToken };
  }

  async history(
    name: string,
    options: { afterId?: number; limit?: number; reverseOrder?: boolean } = {},
  ): Promise<{ events: HistoryEvent[]; nextToken?: string }> {
    await this.get(name);
    const limit = options.limit ?? 1000;
    const events = await this.deps.history.events(name, {
      afterId: options.afterId,
      limit: limit + 1,
      reverse: options.reverseOrder,
    });
    const page = events.slice(0, limit);
    return events.length > limit ? { events: page, nextToken: String(page.at(-1)!.id) } : { events: page };
  }

  async stop(name: string, options: { error?: string; cause?: string } = {}): Promise<ExecutionRecord> {
    if (options.error !== undefined && (typeof options.error !== 'string' || options.error.length > 256))
      throw invalid('error', 'must be a string of at most 256 characters');
    if (options.cause !== undefined && (typeof options.cause !== 'string' || options.cause.length > 32768))
      throw invalid('cause', 'must be a string of at most 32768 characters');
    const record = await this.deps.store.mutateResource<ExecutionSpec, ExecutionStatusRecord>({
      kind: executionKind,
      name,
      change: (current) => {
        if (current.status.status !== 'RUNNING')
          throw WorkflowErrors.notRunning({ name, status: current.status.status });
        if (current.status.stopRequested) return {};
        return {
          status: { ...current.status, stopRequested: { error: options.error, cause: options.cause } },
        };
      },
    });
    this.onChange(name);
    return record;
  }

  taskSuccess(body: { taskToken?: unknown; output?: unknown }): { execution: string } {
    const token = tokenOf(body);
    const output = parseInput(body.output, 'output');
    return { execution: this.deps.tokens.succeed(token, output) };
  }

  taskFailure(body: { taskToken?: unknown; error?: unknown; cause?: unknown }): { execution: string } {
    const token = tokenOf(body);
    if (body.error !== undefined && typeof body.error !== 'string')
      throw invalid('error', 'must be a string');
    if (body.cause !== undefined && typeof body.cause !== 'string')
      throw invalid('cause', 'must be a string');
    return { execution: this.deps.tokens.fail(token, body.error, body.cause) };
  }

  taskHeartbeat(body: { taskToken?: unknown }): { execution: string } {
    return { execution: this.deps.tokens.heartbeat(tokenOf(body)) };
  }

  workflowArn(name: string): string {
    return workflowArn(name);
  }
}

function tokenOf(body: { taskToken?: unknown }): string {
  if (typeof body?.taskToken !== 'string' || body.taskToken.length === 0 || body.taskToken.length > 1024)
    throw invalid('taskToken', 'is required: the token from $$.Task.Token');
  return body.taskToken;
}

/** Input as JSON or as its JSON text (Step Functions sends text); at most 256 KiB. */
export function parseInput(value: unknown, field = 'input'): Json {
  let input: unknown = value ?? {};
  if (typeof value === 'string') {
    try {
      input = JSON.parse(value);
    } catch (error) {
      throw invalid(field, `is not valid JSON text: ${(error as Error).message}`);
    }
  }
  const size = Buffer.byteLength(JSON.stringify(input));
  if (size > maxInputBytes) throw invalid(field, `is ${size} bytes; at most ${maxInputBytes} are allowed`);
  return input as Json;
}
