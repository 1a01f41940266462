/** Endpoint configs: production variants and data capture (SageMaker CreateEndpointConfig). Immutable once created. */

import type { Artifacts } from '../artifacts/artifacts.ts';
import { invalid } from '../core/errors.ts';
import type { EventBus } from '../core/events.ts';
import { arnOf } from '../core/ids.ts';
import { validate } from '../core/schema.ts';
import type { ResourceRecord, Store } from '../store/store.ts';
import { HostingErrors } from './errors.ts';
import type { ModelService } from './models.ts';
import { type EndpointConfigSpec, EndpointConfigSpecSchema } from './types.ts';

export const endpointConfigKind = 'endpoint-config';
export type EndpointConfigRecord = ResourceRecord<EndpointConfigSpec, Record<string, never>>;

export class EndpointConfigService {
  constructor(
    private readonly deps: { store: Store; events: EventBus; models: ModelService; artifacts: Artifacts },
  ) {}

  async create(options: { spec: unknown }): Promise<EndpointConfigRecord> {
    const spec = validate(EndpointConfigSpecSchema, options.spec);
    const names = new Set<string>();
    for (const [index, variant] of spec.productionVariants.entries()) {
      const field = `productionVariants[${index}]`;
      if (names.has(variant.variantName))
        throw invalid(`${field}.variantName`, `"${variant.variantName}" is used twice`);
      names.add(variant.variantName);
      if (!(await this.deps.models.find(variant.modelName))) {
        throw HostingErrors.modelMissing({ field: `${field}.modelName`, modelName: variant.modelName });
      }
      const scaling = variant.autoScaling;
      if (scaling && scaling.minInstanceCount > scaling.maxInstanceCount) {
        throw invalid(`${field}.autoScaling.minInstanceCount`, 'must not be more than maxInstanceCount');
      }
    }
    const total = spec.productionVariants.reduce((sum, v) => sum + (v.initialVariantWeight ?? 1), 0);
    if (total <= 0) throw invalid('productionVariants', 'at least one variant needs a weight above 0');
    if (spec.dataCaptureConfig) {
      this.deps.artifacts.storeFor(
        spec.dataCaptureConfig.destinationS3Uri,
        'dataCaptureConfig.destinationS3Uri',
      );
    }
    return this.deps.store.transaction(async (tx) => {
      const record = await this.deps.store.createResource<EndpointConfigSpec, Record<string, never>>({
        kind: endpointConfigKind,
        name: spec.endpointConfigName,
        arn: arnOf('sagemaker', 'endpoint-config', spec.endpointConfigName),
        spec,
        status: {},
        phase: 'Created',
        tx,
      });
      await this.deps.events.publish({
        resource: `endpoint-config/${spec.endpointConfigName}`,
        type: 'endpoint-config.created',
        tx,
      });
      return record;
    });
  }

  get(name: string): Promise<EndpointConfigRecord> {
    return this.deps.store.requireResource({ kind: endpointConfigKind, name });
  }

  find(name: string): Promise<EndpointConfigRecord | undefined> {
    return this.deps.store.getResource({ kind: endpointConfigKind, name });
  }

  list(options: { limit?: number; nextToken?: string }) {
    return this.deps.store.listResources<EndpointConfigSpec, Record<string, never>>({
      kind: endpointConfigKind,
      ...options,
    });
  }

  async delete(name: string): Promise<void> {
    await this.deps.store.deleteResource({ kind: endpointConfigKind, name });
  }
}
