/**
 * Triggers: validation, store writes, and firing (starting the target workflow with the event as
 * input). Each fire names its execution after the trigger and the slot or event it fires for, so
 * a second attempt at the same fire (another replica, a restart) is refused by the store rather
 * than starting the workflow twice.
 */
import { createHash } from 'node:crypto';
import { CoreErrors, invalid, isSlipwayError } from '../../core/errors.ts';
import type { EventBus, SlipwayEvent } from '../../core/events.ts';
import { arnOf } from '../../core/ids.ts';
import { validate } from '../../core/schema.ts';
import type { ResourceRecord, Store, Tx } from '../../store/store.ts';
import type { ExecutionService } from '../execution-service.ts';
import type { WorkflowService } from '../workflow-service.ts';
import { checkInputTemplate, executionInput } from './input-template.ts';
import { checkSchedule } from './schedule.ts';
import { type TriggerSpec, TriggerSpecSchema, type TriggerStatus, triggerKind } from './types.ts';

export type TriggerRecord = ResourceRecord<TriggerSpec, TriggerStatus>;

/** What `trigger.<change>` events say happened to a trigger's definition. */
export const triggerChanges = ['created', 'enabled', 'disabled', 'deleted'] as const;
type TriggerChange = (typeof triggerChanges)[number];

/** `<trigger>-<suffix>`, within the 63-character resource name limit. */
export function fireExecutionName(trigger: string, suffix: string): string {
  const room = 63 - suffix.length - 1;
  const head =
    trigger.length <= room
      ? trigger
      : `${trigger.slice(0, room - 9)}-${createHash('sha256').update(trigger).digest('hex').slice(0, 8)}`;
  return `${head}-${suffix}`;
}

export class TriggerService {
  constructor(
    private readonly deps: {
      store: Store;
      events: EventBus;
      workflows: WorkflowService;
      executions: ExecutionService;
    },
  ) {}

  async create(body: unknown): Promise<TriggerRecord> {
    const spec = validate(TriggerSpecSchema, body);
    const kinds = [spec.schedule, spec.event, spec.webhook ? true : undefined].filter((k) => k !== undefined);
    if (kinds.length !== 1) throw invalid('schedule', 'give exactly one of schedule, event or webhook: true');
    if (spec.schedule) checkSchedule(spec.schedule);
    checkInputTemplate(spec.input);
    await this.deps.workflows.get(spec.workflowName).catch((error) => {
      if (isSlipwayError(error) && error.kind === 'not_found')
        throw invalid('workflowName', `workflow "${spec.workflowName}" does not exist`);
      throw error;
    });
    return this.deps.store.transaction(async (tx) => {
      const record = await this.deps.store.createResource<TriggerSpec, TriggerStatus>({
        kind: triggerKind,
        name: spec.name,
        arn: arnOf('events', 'trigger', spec.name),
        spec,
        status: { fires: 0 },
        phase: spec.enabled === false ? 'DISABLED' : 'ENABLED',
        tx,
      });
      await this.changed(record.name, 'created', tx);
      return record;
    });
  }

  get(name: string): Promise<TriggerRecord> {
    return this.deps.store.requireResource({ kind: triggerKind, name });
  }

  list(options: { limit?: number; nextToken?: string } = {}) {
    return this.deps.store.listResources<TriggerSpec, TriggerStatus>({ kind: triggerKind, ...options });
  }

  /** Every enabled trigger (for the scheduler and the event listener). */
  async enabled(): Promise<TriggerRecord[]> {
    const all: TriggerRecord[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.deps.store.listResources<TriggerSpec, TriggerStatus>({
        kind: triggerKind,
        phase: 'ENABLED',
        limit: 1000,
        nextToken,
      });
      all.push(...page.items);
      nextToken = page.nextToken;
    } while (nextToken);
    return all;
  }

  async setEnabled(name: string, enabled: boolean): Promise<TriggerRecord> {
    return this.deps.store.transaction(async (tx) => {
      const record = await this.deps.store.mutateResource<TriggerSpec, TriggerStatus>({
        kind: triggerKind,
        name,
        change: (current) => ({
          spec: { ...current.spec, enabled },
          phase: enabled ? 'ENABLED' : 'DISABLED',
        }),
        tx,
      });
      await this.changed(name, enabled ? 'enabled' : 'disabled', tx);
      return record;
    });
  }

  async delete(name: string): Promise<void> {
    await this.deps.store.transaction(async (tx) => {
      await this.deps.store.deleteResource({ kind: triggerKind, name, tx });
      await this.changed(name, 'deleted', tx);
    });
  }

  /** `trigger.<change>`: tells every replica's event-rule consumer to read the rules again. */
  private changed(name: string, change: TriggerChange, tx: Tx) {
    return this.deps.events.publish({
      resource: `${triggerKind}/${name}`,
      type: `trigger.${change}`,
      detail: { trigger: name },
      tx,
    });
  }

  /**
   * Claims schedule slot `due` of a trigger read at `record.version`: false when another replica
   * (or an earlier run of this one) already recorded it.
   */
  async claimSlot(record: TriggerRecord, due: number): Promise<boolean> {
    try {
      await this.deps.store.updateResource<TriggerSpec, TriggerStatus>({
        kind: triggerKind,
        name: record.name,
        expectedVersion: record.version,
        status: { ...record.status, lastFireTime: due },
      });
      return true;
    } catch (error) {
      if (
        isSlipwayError(error) &&
        (error.code === CoreErrors.versionConflict.code || error.kind === 'not_found')
      )
        return false;
      throw error;
    }
  }

  /** Starts the trigger's workflow; an execution that already exists for this fire is not started again. */
  async fire(record: TriggerRecord, options: { suffix: string; event: Record<string, unknown> }) {
    const name = fireExecutionName(record.name, options.suffix);
    let outcome: { execution?: string; error?: string };
    try {
      const input = executionInput(record.spec.input, {
        trigger: record.name,
        executionName: name,
        event: options.event,
      });
      const execution = await this.deps.executions.start({
        workflowName: record.spec.workflowName,
        body: { name, input },
      });
      outcome = { execution: execution.name };
    } catch (error) {
      if (isSlipwayError(error) && error.code === CoreErrors.alreadyExists.code)
        return { execution: name, duplicate: true };
      outcome = { error: (error as Error).message };
    }
    await this.deps.store.transaction(async (tx) => {
      await this.deps.store
        .mutateResource<TriggerSpec, TriggerStatus>({
          kind: triggerKind,
          name: record.name,
          change: (current) => ({
            status: {
              ...current.status,
              fires: current.status.fires + (outcome.execution ? 1 : 0),
              ...(outcome.execution ? { lastExecution: outcome.execution } : {}),
              ...(outcome.error ? { lastError: outcome.error } : { lastError: undefined }),
            },
          }),
          tx,
        })
        .catch(() => {}); // Deleted meanwhile: the fire is still reported.
      await this.deps.events.publish({
        resource: `${triggerKind}/${record.name}`,
        type: outcome.execution ? 'trigger.fired' : 'trigger.failed',
        detail: { trigger: record.name, workflowName: record.spec.workflowName, ...outcome },
        tx,
      });
    });
    return { ...outcome, duplicate: false };
  }

  /** POST /triggers/<name>/webhook: publishes the call as an event and starts the workflow with it. */
  async webhook(name: string, payload: unknown, headers: Record<string, string>) {
    const record = await this.get(name);
    if (!record.spec.webhook) throw invalid('name', `trigger "${name}" is not a webhook trigger`);
    if (record.spec.enabled === false) throw invalid('name', `trigger "${name}" is disabled`);
    const event = await this.deps.events.publish({
      resource: `${triggerKind}/${name}`,
      type: 'trigger.webhook',
      detail: { trigger: name, payload, headers },
    });
    return this.fire(record, { suffix: `w${event.id}`, event: eventInput(event) });
  }
}

export function eventInput(event: SlipwayEvent): Record<string, unknown> {
  return {
    id: event.id,
    time: new Date(event.time).toISOString(),
    type: event.type,
    resource: event.resource,
    detail: event.detail,
  };
}
