/**
 * Workflows (state machines): validation and store writes. A definition is checked twice on
 * create and update: the ASL rules (validateDefinition, naming the state and field) and every
 * Task resource against the registered integrations.
 */
import { invalid } from '../core/errors.ts';
import type { EventBus } from '../core/events.ts';
import { arnOf } from '../core/ids.ts';
import { validate } from '../core/schema.ts';
import type { ResourceRecord, Store } from '../store/store.ts';
import { type MachineDefinition, validateDefinition } from './asl/index.ts';
import { WorkflowErrors } from './errors.ts';
import type { IntegrationRegistry } from './integrations/registry.ts';
import {
  executionKind,
  type WorkflowSpec,
  WorkflowSpecSchema,
  type WorkflowStatus,
  WorkflowUpdateSchema,
  workflowKind,
} from './types.ts';

export type WorkflowRecord = ResourceRecord<WorkflowSpec, WorkflowStatus>;

export function workflowArn(name: string): string {
  return arnOf('states', 'state-machine', name);
}

export class WorkflowService {
  constructor(private readonly deps: { store: Store; events: EventBus; integrations: IntegrationRegistry }) {}

  /** Parses (if text), applies the default query language and validates a definition. */
  private definitionOf(raw: unknown, queryLanguage: WorkflowSpec['queryLanguage']): MachineDefinition {
    let definition = raw;
    if (typeof raw === 'string') {
      try {
        definition = JSON.parse(raw);
      } catch (error) {
        throw invalid('definition', `is not valid JSON: ${(error as Error).message}`);
      }
    }
    if (queryLanguage && definition && typeof definition === 'object' && !Array.isArray(definition)) {
      const object = definition as Record<string, unknown>;
      if (object.QueryLanguage === undefined) definition = { ...object, QueryLanguage: queryLanguage };
    }
    try {
      validateDefinition(definition);
    } catch (error) {
      const details = (error as { details?: { field?: string } }).details;
      // Field paths are reported from the spec's root, so `definition.States.Train.Next`.
      if (details?.field)
        throw invalid(
          `definition.${details.field}`,
          (error as { details: { reason: string } }).details.reason,
          {
            problems: (error as { details: { problems?: unknown } }).details.problems,
          },
        );
      throw error;
    }
    const checked = definition as MachineDefinition;
    try {
      this.deps.integrations.checkDefinition(checked);
    } catch (error) {
      const details = (error as { details?: Record<string, unknown> }).details;
      if (details?.field && !String(details.field).startsWith('definition.'))
        details.field = `definition.${details.field}`;
      throw error;
    }
    return checked;
  }

  async create(options: { spec: unknown }): Promise<WorkflowRecord> {
    const input = validate(WorkflowSpecSchema, options.spec);
    const spec: WorkflowSpec = {
      ...input,
      definition: this.definitionOf(input.definition, input.queryLanguage),
    };
    const now = this.deps.store.clock.now();
    return this.deps.store.transaction(async (tx) => {
      const record = await this.deps.store.createResource<WorkflowSpec, WorkflowStatus>({
        kind: workflowKind,
        name: spec.name,
        arn: workflowArn(spec.name),
        spec,
        status: { revision: 1, revisionDate: now },
        phase: 'ACTIVE',
        tx,
      });
      await this.deps.events.publish({
        resource: `${workflowKind}/${spec.name}`,
        type: 'workflow.created',
        detail: { workflowName: spec.name, revision: 1 },
        tx,
      });
      return record;
    });
  }

  /** Replaces the given fields; the revision increments. Running executions keep their definition. */
  async update(options: {
    name: string;
    changes: unknown;
    expectedVersion?: number;
  }): Promise<WorkflowRecord> {
    const changes = validate(WorkflowUpdateSchema, options.changes);
    if (Object.keys(changes).length === 0)
      throw invalid('(root)', 'give at least one of definition, roleArn, queryLanguage, description, tags');
    const current = await this.get(options.name);
    const queryLanguage = changes.queryLanguage ?? current.spec.queryLanguage;
    const spec: WorkflowSpec = {
      ...current.spec,
      ...changes,
      definition:
        changes.definition !== undefined
          ? this.definitionOf(changes.definition, queryLanguage)
          : current.spec.definition,
    };
    const revision = current.status.revision + 1;
    return this.deps.store.transaction(async (tx) => {
      const record = await this.deps.store.updateResource<WorkflowSpec, WorkflowStatus>({
        kind: workflowKind,
        name: options.name,
        expectedVersion: options.expectedVersion ?? current.version,
        spec,
        status: { revision, revisionDate: this.deps.store.clock.now() },
        tx,
      });
      await this.deps.events.publish({
        resource: `${workflowKind}/${options.name}`,
        type: 'workflow.updated',
        detail: { workflowName: options.name, revision },
        tx,
      });
      return record;
    });
  }

  get(name: string): Promise<WorkflowRecord> {
    return this.deps.store.requireResource({ kind: workflowKind, name });
  }

  list(options: { limit?: number; nextToken?: string }) {
    return this.deps.store.listResources<WorkflowSpec, WorkflowStatus>({ kind: workflowKind, ...options });
  }

  async delete(name: string): Promise<void> {
    await this.get(name);
    let count = 0;
    let nextToken: string | undefined;
    do {
      const page = await this.deps.store.listResources<{ workflowName: string }, unknown>({
        kind: executionKind,
        phase: 'RUNNING',
        limit: 1000,
        nextToken,
      });
      count += page.items.filter((item) => item.spec.workflowName === name).length;
      nextToken = page.nextToken;
    } while (nextToken);
    if (count > 0) throw WorkflowErrors.workflowInUse({ name, count });
    await this.deps.store.transaction(async (tx) => {
      await this.deps.store.deleteResource({ kind: workflowKind, name, tx });
      await this.deps.events.publish({
        resource: `${workflowKind}/${name}`,
        type: 'workflow.deleted',
        detail: { workflowName: name },
        tx,
      });
    });
  }
}
