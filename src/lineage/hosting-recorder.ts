/**
 * Records hosting's lineage from its events, so hosting needs no knowledge of lineage: a created
 * model is used-by edges from its artifact, code, image and registry version; an endpoint created or
 * moved to another config is deployed-as edges from the models its variants serve (replacing what
 * it served before). It is a durable consumer of the event log: an edge is recorded even when the
 * event was published by another replica or just before a crash. Events are read after their
 * transaction commits, so every read here sees the committed resource; recording is idempotent.
 */
import type { EventConsumer } from '../core/event-consumer.ts';
import type { EventBus, SlipwayEvent } from '../core/events.ts';
import type { Logger } from '../core/logging.ts';
import type { EndpointConfigService } from '../hosting/endpoint-configs.ts';
import type { EndpointService } from '../hosting/endpoints.ts';
import type { ModelService } from '../hosting/models.ts';
import type { LineageService } from './service.ts';

/** The tag a model deployed from the registry carries: `<group>/<version>`. */
export const modelPackageTag = 'slipway.modelPackage';

export class HostingLineageRecorder {
  private readonly consumer: EventConsumer;

  constructor(
    private readonly deps: {
      events: EventBus;
      lineage: LineageService;
      models: ModelService;
      configs: EndpointConfigService;
      endpoints: EndpointService;
      logger: Logger;
    },
  ) {
    this.consumer = deps.events.consume({
      name: 'lineage-hosting',
      patterns: ['model.created', 'endpoint.creating', 'endpoint.updating'],
      handle: (event) =>
        event.type === 'model.created' ? this.modelCreated(event) : this.endpointChanged(event),
    });
  }

  start(): void {
    this.consumer.start();
  }

  close(): Promise<void> {
    return this.consumer.close();
  }

  async modelCreated(event: SlipwayEvent): Promise<void> {
    const name = event.resource.slice('model/'.length);
    const model = await this.deps.models.find(name);
    if (!model) return;
    const container = model.spec.primaryContainer;
    const downstream = { kind: 'model', name } as const;
    await this.deps.lineage.recordNode({
      ...downstream,
      properties: { servingType: model.status.servingType },
    });
    if (container.modelDataUrl) {
      await this.deps.lineage.recordEdge({
        upstream: { kind: 'model-artifact', name: container.modelDataUrl },
        downstream,
        type: 'used-by',
      });
    }
    const code = container.environment?.SAGEMAKER_SUBMIT_DIRECTORY;
    if (code)
      await this.deps.lineage.recordEdge({
        upstream: { kind: 'code', name: code },
        downstream,
        type: 'used-by',
      });
    if (container.image) {
      await this.deps.lineage.recordEdge({
        upstream: { kind: 'image', name: container.image },
        downstream,
        type: 'used-by',
      });
    }
    const version = model.spec.tags?.find((tag) => tag.key === modelPackageTag)?.value;
    if (version) {
      await this.deps.lineage.recordEdge({
        upstream: { kind: 'model-package', name: version },
        downstream,
        type: 'used-by',
      });
    }
  }

  async endpointChanged(event: SlipwayEvent): Promise<void> {
    const name = event.resource.slice('endpoint/'.length);
    const configName = String(event.detail.endpointConfigName ?? '');
    const config = configName ? await this.deps.configs.find(configName) : undefined;
    if (!config) return;
    const models = [...new Set(config.spec.productionVariants.map((variant) => variant.modelName))];
    await this.deps.lineage.recordNode({
      kind: 'endpoint',
      name,
      properties: { endpointConfigName: configName },
    });
    await this.deps.lineage.replaceUpstream({
      downstream: { kind: 'endpoint', name },
      type: 'deployed-as',
      upstream: models.map((model) => ({ kind: 'model', name: model })),
    });
  }
}
