/** Model package groups: the versions of one model, its approval gate (required metrics) and aliases. */
import { isoTime } from '../core/clock.ts';
import { CoreErrors, invalid } from '../core/errors.ts';
import type { EventBus } from '../core/events.ts';
import { arnOf } from '../core/ids.ts';
import { validate } from '../core/schema.ts';
import type { ResourceRecord, Store, Tx } from '../store/store.ts';
import {
  aliasPattern,
  type GroupSpec,
  GroupSpecSchema,
  type GroupStatus,
  groupKind,
  UpdateGroupSchema,
} from './types.ts';

export type GroupRecord = ResourceRecord<GroupSpec, GroupStatus>;

/** Version names an alias may not take: they already mean something in a version path. */
const reservedAliases = new Set(['latest']);

export class GroupService {
  constructor(private readonly deps: { store: Store; events: EventBus }) {}

  async create(options: { spec: unknown }): Promise<GroupRecord> {
    const spec = validate(GroupSpecSchema, options.spec);
    return this.deps.store.transaction(async (tx) => {
      const record = await this.deps.store.createResource<GroupSpec, GroupStatus>({
        kind: groupKind,
        name: spec.modelPackageGroupName,
        arn: arnOf('sagemaker', 'model-package-group', spec.modelPackageGroupName),
        spec,
        status: { latestVersion: 0, aliases: {} },
        phase: 'Completed',
        tx,
      });
      await this.deps.events.publish({
        resource: `${groupKind}/${spec.modelPackageGroupName}`,
        type: 'model-package-group.created',
        detail: { requiredMetrics: spec.requiredMetrics ?? {} },
        tx,
      });
      return record;
    });
  }

  async update(options: { name: string; body: unknown }): Promise<GroupRecord> {
    const change = validate(UpdateGroupSchema, options.body);
    return this.deps.store.mutateResource<GroupSpec, GroupStatus>({
      kind: groupKind,
      name: options.name,
      change: (current) => ({ spec: { ...current.spec, ...change } }),
    });
  }

  get(name: string, tx?: Tx): Promise<GroupRecord> {
    return this.deps.store.requireResource({ kind: groupKind, name, tx });
  }

  list(options: { limit?: number; nextToken?: string }) {
    return this.deps.store.listResources<GroupSpec, GroupStatus>({ kind: groupKind, ...options });
  }

  /** Takes the next version number; the optimistic version makes concurrent registrations take distinct ones. */
  async nextVersion(name: string, tx: Tx): Promise<number> {
    const group = await this.get(name, tx);
    const version = group.status.latestVersion + 1;
    await this.deps.store.updateResource<GroupSpec, GroupStatus>({
      kind: groupKind,
      name,
      expectedVersion: group.version,
      status: { ...group.status, latestVersion: version },
      tx,
    });
    return version;
  }

  /** Points `alias` at `version` (which must exist); the event says where it moved from. */
  async setAlias(options: {
    group: string;
    alias: string;
    version: number;
    exists: (version: number) => Promise<boolean>;
    by: string;
  }): Promise<GroupRecord> {
    checkAlias(options.alias);
    if (!(await options.exists(options.version))) {
      throw invalid('version', `model package group "${options.group}" has no version ${options.version}`);
    }
    return this.moveAlias({
      group: options.group,
      alias: options.alias,
      by: options.by,
      to: options.version,
    });
  }

  removeAlias(options: { group: string; alias: string; by: string }): Promise<GroupRecord> {
    return this.moveAlias({ ...options, to: null });
  }

  /** Points the alias at `to` (null removes it) and publishes the move in the same transaction. */
  private moveAlias(options: { group: string; alias: string; by: string; to: number | null }) {
    let from: number | undefined;
    return this.deps.store.transaction(async (tx) => {
      const record = await this.deps.store.mutateResource<GroupSpec, GroupStatus>({
        kind: groupKind,
        name: options.group,
        tx,
        change: (current) => {
          const { [options.alias]: previous, ...others } = current.status.aliases;
          from = previous;
          if (options.to === null && from === undefined)
            throw CoreErrors.notFound({ kind: 'alias', name: `${options.group}/${options.alias}` });
          const aliases =
            options.to === null ? others : { ...current.status.aliases, [options.alias]: options.to };
          return { status: { ...current.status, aliases } };
        },
      });
      await this.deps.events.publish({
        resource: `model-package/${options.group}/${options.to ?? from}`,
        type: 'model-package.alias-moved',
        detail: {
          modelPackageGroupName: options.group,
          alias: options.alias,
          from: from ?? null,
          to: options.to,
          by: options.by,
        },
        tx,
      });
      return record;
    });
  }
}

function checkAlias(alias: string): void {
  if (!new RegExp(aliasPattern).test(alias) || reservedAliases.has(alias)) {
    throw invalid(
      'alias',
      `"${alias}" is not a valid alias: lowercase letters, digits and hyphens, starting with a letter, not "latest"`,
    );
  }
}

export function describeGroup(record: GroupRecord) {
  return {
    ...record.spec,
    modelPackageGroupArn: record.arn,
    latestVersion: record.status.latestVersion,
    aliases: record.status.aliases,
    creationTime: isoTime(record.createdAt),
    lastModifiedTime: isoTime(record.updatedAt),
  };
}
