/**
 * Endpoints (SageMaker CreateEndpoint / UpdateEndpoint / UpdateEndpointWeightsAndCapacities /
 * DeleteEndpoint): the service records what is wanted; the endpoint controller makes it so.
 */
import { isoTime } from '../core/clock.ts';
import { invalid } from '../core/errors.ts';
import type { EventBus } from '../core/events.ts';
import { arnOf } from '../core/ids.ts';
import { ResourceName, StrictObject, Type, validate } from '../core/schema.ts';
import type { ResourceRecord, Store, Tx } from '../store/store.ts';
import type { EndpointConfigService } from './endpoint-configs.ts';
import { HostingErrors } from './errors.ts';
import type { EndpointSpec, EndpointStatus } from './types.ts';
import { EndpointSpecSchema } from './types.ts';

export const endpointKind = 'endpoint';
export type EndpointRecord = ResourceRecord<EndpointSpec, EndpointStatus>;

export const UpdateWeightsSchema = StrictObject({
  desiredWeightsAndCapacities: Type.Array(
    StrictObject({
      variantName: ResourceName,
      desiredWeight: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
      desiredInstanceCount: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    }),
    { minItems: 1, maxItems: 10 },
  ),
});

export class EndpointService {
  onChange: (name: string) => void = () => {};

  constructor(private readonly deps: { store: Store; events: EventBus; configs: EndpointConfigService }) {}

  async create(options: { spec: unknown }): Promise<EndpointRecord> {
    const spec = validate(EndpointSpecSchema, options.spec);
    await this.requireConfig(spec.endpointConfigName);
    const record = await this.deps.store.transaction(async (tx) => {
      const created = await this.deps.store.createResource<EndpointSpec, EndpointStatus>({
        kind: endpointKind,
        name: spec.endpointName,
        arn: arnOf('sagemaker', 'endpoint', spec.endpointName),
        spec,
        status: { endpointStatus: 'Creating', productionVariants: [] },
        phase: 'Creating',
        tx,
      });
      await this.deps.events.publish({
        resource: `endpoint/${spec.endpointName}`,
        type: 'endpoint.creating',
        detail: { endpointConfigName: spec.endpointConfigName },
        tx,
      });
      return created;
    });
    this.onChange(spec.endpointName);
    return record;
  }

  private async requireConfig(name: string): Promise<void> {
    if (!(await this.deps.configs.find(name))) {
      throw HostingErrors.configMissing({ field: 'endpointConfigName', endpointConfigName: name });
    }
  }

  /** Moves the endpoint to another config (blue/green: the old variants serve until the new ones are up). */
  async update(options: { name: string; endpointConfigName: string }): Promise<EndpointRecord> {
    validate(ResourceName, options.endpointConfigName, 'endpointConfigName');
    await this.requireConfig(options.endpointConfigName);
    const record = await this.deps.store.transaction(async (tx) => {
      const updated = await this.deps.store.mutateResource<EndpointSpec, EndpointStatus>({
        kind: endpointKind,
        name: options.name,
        change: (current) => {
          this.refuseWhileDeleting(current);
          return {
            spec: { ...current.spec, endpointConfigName: options.endpointConfigName, desired: undefined },
            status: { ...current.status, endpointStatus: 'Updating' },
            phase: 'Updating',
          };
        },
        tx,
      });
      await this.deps.events.publish({
        resource: `endpoint/${options.name}`,
        type: 'endpoint.updating',
        detail: { endpointConfigName: options.endpointConfigName },
        tx,
      });
      return updated;
    });
    this.onChange(options.name);
    return record;
  }

  /** New weights and/or instance counts for variants, applied in place without a redeploy. */
  async updateWeights(options: { name: string; body: unknown }): Promise<EndpointRecord> {
    const body = validate(UpdateWeightsSchema, options.body);
    const record = await this.deps.store.transaction(async (tx) => {
      const updated = await this.deps.store.mutateResource<EndpointSpec, EndpointStatus>({
        kind: endpointKind,
        name: options.name,
        tx,
        change: (current) => {
          this.refuseWhileDeleting(current);
          const known = new Set(current.status.productionVariants.map((v) => v.variantName));
          const desired = { ...(current.spec.desired ?? {}) };
          for (const [index, item] of body.desiredWeightsAndCapacities.entries()) {
            if (!known.has(item.variantName)) {
              throw HostingErrors.unknownVariant({
                field: `desiredWeightsAndCapacities[${index}].variantName`,
                endpointName: options.name,
                variantName: item.variantName,
              });
            }
            if (item.desiredWeight === undefined && item.desiredInstanceCount === undefined) {
              throw invalid(
                `desiredWeightsAndCapacities[${index}]`,
                'give desiredWeight and/or desiredInstanceCount',
              );
            }
            desired[item.variantName] = {
              ...desired[item.variantName],
              ...(item.desiredWeight !== undefined ? { weight: item.desiredWeight } : {}),
              ...(item.desiredInstanceCount !== undefined
                ? { instanceCount: item.desiredInstanceCount }
                : {}),
            };
          }
          return {
            spec: { ...current.spec, desired },
            status: { ...current.status, endpointStatus: 'Updating' },
            phase: 'Updating',
          };
        },
      });
      await this.deps.events.publish({
        resource: `endpoint/${options.name}`,
        type: 'endpoint.weights-updated',
        detail: body,
        tx,
      });
      return updated;
    });
    this.onChange(options.name);
    return record;
  }

  /** Sets a variant's instance count (the autoscaler's lever) without marking the endpoint Updating. */
  async setInstanceCount(options: {
    name: string;
    variantName: string;
    instanceCount: number;
    tx?: Tx;
  }): Promise<void> {
    await this.deps.store.mutateResource<EndpointSpec, EndpointStatus>({
      kind: endpointKind,
      name: options.name,
      tx: options.tx,
      change: (current) => ({
        spec: {
          ...current.spec,
          desired: {
            ...(current.spec.desired ?? {}),
            [options.variantName]: {
              ...current.spec.desired?.[options.variantName],
              instanceCount: options.instanceCount,
            },
          },
        },
      }),
    });
    if (options.tx) options.tx.afterCommit(() => this.onChange(options.name));
    else this.onChange(options.name);
  }

  private refuseWhileDeleting(record: EndpointRecord): void {
    if (record.status.endpointStatus === 'Deleting') throw HostingErrors.deleting({ name: record.name });
  }

  async delete(name: string): Promise<void> {
    await this.deps.store.transaction(async (tx) => {
      await this.deps.store.mutateResource<EndpointSpec, EndpointStatus>({
        kind: endpointKind,
        name,
        change: (current) => ({
          status: { ...current.status, endpointStatus: 'Deleting' },
          phase: 'Deleting',
        }),
        tx,
      });
      await this.deps.events.publish({ resource: `endpoint/${name}`, type: 'endpoint.deleting', tx });
    });
    this.onChange(name);
  }

  get(name: string): Promise<EndpointRecord> {
    return this.deps.store.requireResource({ kind: endpointKind, name });
  }

  list(options: { limit?: number; nextToken?: string; statusEquals?: string }) {
    return this.deps.store.listResources<EndpointSpec, EndpointStatus>({
      kind: endpointKind,
      limit: options.limit,
      nextToken: options.nextToken,
      phase: options.statusEquals,
    });
  }

  all(): Promise<EndpointRecord[]> {
    return this.deps.store
      .listResources<EndpointSpec, EndpointStatus>({ kind: endpointKind, limit: 1000 })
      .then((p) => p.items);
  }
}

export function describeEndpoint(record: EndpointRecord, live?: { counters: Record<string, unknown> }) {
  const { desired, ...spec } = record.spec;
  return {
    ...spec,
    endpointArn: record.arn,
    ...record.status,
    productionVariants: record.status.productionVariants.map((variant) => ({
      ...variant,
      instances: variant.instances.map((instance) => ({
        ...instance,
        startedAt: isoTime(instance.startedAt),
      })),
      ...(live?.counters[variant.variantName] ? { metrics: live.counters[variant.variantName] } : {}),
    })),
    creationTime: isoTime(record.createdAt),
    lastModifiedTime: isoTime(record.updatedAt),
  };
}
