/**
 * The endpoint controller: makes this replica's data plane match the store. A new or updated
 * endpoint gets its variants started (blue/green: the old ones serve until the new ones are up),
 * weights and instance counts follow UpdateEndpointWeightsAndCapacities and the autoscaler, a
 * deleted endpoint frees its workers. After a restart every endpoint is brought back.
 */
import type { Artifacts } from '../artifacts/artifacts.ts';
import type { EventBus } from '../core/events.ts';
import type { Logger } from '../core/logging.ts';
import { CaptureWriter } from '../inference/capture.ts';
import { type EndpointRouter, LiveEndpoint, type LiveVariant } from '../inference/live-endpoint.ts';
import type { InferenceMetrics } from '../inference/variant-metrics.ts';
import type { RunLedger } from '../runtime/run-ledger.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { Store } from '../store/store.ts';
import { startBackend } from './backend-factory.ts';
import type { EndpointConfigRecord, EndpointConfigService } from './endpoint-configs.ts';
import { type EndpointRecord, type EndpointService, endpointKind } from './endpoints.ts';
import type { ModelService } from './models.ts';
import type { EndpointSpec, EndpointStatus, VariantStatus } from './types.ts';

export interface EndpointControllerDeps {
  store: Store;
  events: EventBus;
  artifacts: Artifacts;
  endpoints: EndpointService;
  configs: EndpointConfigService;
  models: ModelService;
  router: EndpointRouter;
  metrics: InferenceMetrics;
  runtimes: ReadonlyMap<string, Runtime>;
  python: string;
  workFolder: string;
  ledger: RunLedger;
  logger: Logger;
  pollMs?: number;
  /** How long a replaced endpoint keeps serving requests already sent to it. */
  drainMs?: number;
}

export class EndpointController {
  private timer?: NodeJS.Timeout;
  private closed = false;
  private readonly busy = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private generation = 0;

  constructor(private readonly deps: EndpointControllerDeps) {}

  start(): void {
    this.timer = setInterval(() => void this.reconcileAll(), this.deps.pollMs ?? 1000);
    void this.reconcileAll();
  }

  kick(name: string): void {
    void this.reconcile(name);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await Promise.allSettled([...this.busy.values()]);
    await this.deps.router.closeAll();
  }

  private async reconcileAll(): Promise<void> {
    if (this.closed) return;
    try {
      const records = await this.deps.endpoints.all();
      const known = new Set(records.map((r) => r.name));
      for (const name of this.deps.router.names()) if (!known.has(name)) void this.reconcile(name);
      for (const record of records) void this.reconcile(record.name);
    } catch (error) {
      if (!this.closed) this.deps.logger.error({ err: error }, 'endpoint reconcile failed');
    }
  }

  /** One reconcile per endpoint at a time; a request that arrives meanwhile runs once after it. */
  private reconcile(name: string): Promise<void> {
    const running = this.busy.get(name);
    if (running) {
      this.again.add(name);
      return running;
    }
    const work = this.reconcileOnce(name)
      .catch((error) => this.deps.logger.error({ err: error, endpoint: name }, 'endpoint reconcile failed'))
      .finally(() => {
        this.busy.delete(name);
        if (this.again.delete(name) && !this.closed) void this.reconcile(name);
      });
    this.busy.set(name, work);
    return work;
  }

  private async reconcileOnce(name: string): Promise<void> {
    if (this.closed) return;
    const record = await this.deps.store.getResource<EndpointSpec, EndpointStatus>({
      kind: endpointKind,
      name,
    });
    const live = this.deps.router.get(name);
    if (!record) {
      await this.deps.router.remove(name)?.close();
      return;
    }
    if (record.status.endpointStatus === 'Deleting') {
      await this.deps.router.remove(name)?.close();
      await this.deps.store
        .transaction(async (tx) => {
          await this.deps.store.deleteResource({ kind: endpointKind, name, tx });
          await this.deps.events.publish({ resource: `endpoint/${name}`, type: 'endpoint.deleted', tx });
        })
        .catch(() => {});
      return;
    }
    if (record.status.endpointStatus === 'Failed' && !live) return; // Failed stays failed until updated.
    const config = await this.deps.configs.find(record.spec.endpointConfigName);
    if (!config) {
      await this.fail(record, live, `endpoint config "${record.spec.endpointConfigName}" no longer exists`);
      return;
    }
    if (!live || live.configName !== config.name) {
      await this.deploy(record, config, live);
      return;
    }
    await this.applyDesired(record, config, live);
    await this.writeStatus(record, config, live, 'InService');
  }

  private async deploy(
    record: EndpointRecord,
    config: EndpointConfigRecord,
    previous: LiveEndpoint | undefined,
  ): Promise<void> {
    const generation = `${config.name}-${++this.generation}`;
    const variants: LiveVariant[] = [];
    try {
      for (const variant of config.spec.productionVariants) {
        const model = await this.deps.models.get(variant.modelName);
        const desired = record.spec.desired?.[variant.variantName];
        const backend = await startBackend(
          {
            artifacts: this.deps.artifacts,
            runtimes: this.deps.runtimes,
            python: this.deps.python,
            workFolder: this.deps.workFolder,
            ledger: this.deps.ledger,
            onLog: (source, line) => this.deps.logger.debug({ source }, line),
          },
          {
            model,
            endpointName: record.name,
            variantName: variant.variantName,
            instanceCount: desired?.instanceCount ?? variant.initialInstanceCount ?? 1,
            generation,
          },
        );
        variants.push({
          name: variant.variantName,
          modelName: variant.modelName,
          weight: desired?.weight ?? variant.initialVariantWeight ?? 1,
          backend,
          metrics: this.deps.metrics.forVariant(record.name, variant.variantName),
        });
      }
    } catch (error) {
      await Promise.allSettled(variants.map((v) => v.backend.close()));
      await this.fail(record, previous, `a variant failed to start: ${(error as Error).message}`);
      return;
    }
    const capture = config.spec.dataCaptureConfig;
    const live = new LiveEndpoint(
      record.name,
      config.name,
      variants,
      capture && capture.enableCapture !== false
        ? new CaptureWriter({
            endpointName: record.name,
            config: capture,
            store: this.deps.artifacts.storeFor(
              capture.destinationS3Uri,
              'dataCaptureConfig.destinationS3Uri',
            ),
            logger: this.deps.logger,
          })
        : undefined,
    );
    if (this.closed) {
      await live.close();
      return;
    }
    const replaced = this.deps.router.swap(live);
    if (replaced) setTimeout(() => void replaced.close(), this.deps.drainMs ?? 2000).unref();
    await this.writeStatus(record, config, live, 'InService', {
      clearFailure: true,
      event: { type: 'endpoint.in-service', detail: { endpointConfigName: config.name } },
    });
  }

  /** Without a previous version serving, the endpoint is Failed; with one, the update is rolled back. */
  private async fail(
    record: EndpointRecord,
    previous: LiveEndpoint | undefined,
    reason: string,
  ): Promise<void> {
    this.deps.logger.warn({ endpoint: record.name, reason }, 'endpoint failed');
    await this.deps.store.transaction(async (tx) => {
      await this.deps.store.mutateResource<EndpointSpec, EndpointStatus>({
        kind: endpointKind,
        name: record.name,
        tx,
        change: (current) =>
          previous
            ? {
                spec: { ...current.spec, endpointConfigName: previous.configName },
                status: {
                  ...current.status,
                  endpointStatus: 'InService',
                  failureReason: `update to ${current.spec.endpointConfigName} failed and was rolled back: ${reason}`,
                },
                phase: 'InService',
              }
            : {
                status: { ...current.status, endpointStatus: 'Failed', failureReason: reason },
                phase: 'Failed',
              },
      });
      await this.deps.events.publish({
        resource: `endpoint/${record.name}`,
        type: 'endpoint.failed',
        detail: { reason },
        tx,
      });
    });
  }

  private async applyDesired(
    record: EndpointRecord,
    config: EndpointConfigRecord,
    live: LiveEndpoint,
  ): Promise<void> {
    let reweigh = false;
    for (const variant of live.variants) {
      const initial = config.spec.productionVariants.find((v) => v.variantName === variant.name)!;
      const desired = record.spec.desired?.[variant.name];
      const weight = desired?.weight ?? initial.initialVariantWeight ?? 1;
      if (weight !== variant.weight) {
        variant.weight = weight;
        reweigh = true;
      }
      const count = desired?.instanceCount ?? initial.initialInstanceCount ?? 1;
      if (variant.backend.instances().length !== count) await variant.backend.scale(count);
    }
    if (reweigh) live.reweigh();
  }

  private async writeStatus(
    record: EndpointRecord,
    config: EndpointConfigRecord,
    live: LiveEndpoint,
    endpointStatus: 'InService',
    options: {
      clearFailure?: boolean;
      /** Published in the status write's transaction (and even when the status is unchanged). */
      event?: { type: string; detail: Record<string, unknown> };
    } = {},
  ): Promise<void> {
    const variants: VariantStatus[] = live.variants.map((variant) => {
      const initial = config.spec.productionVariants.find((v) => v.variantName === variant.name)!;
      const desired = record.spec.desired?.[variant.name];
      const instances = variant.backend.instances();
      return {
        variantName: variant.name,
        modelName: variant.modelName,
        currentWeight: variant.weight,
        desiredWeight: desired?.weight ?? initial.initialVariantWeight ?? 1,
        currentInstanceCount: instances.filter((i) => i.status === 'Healthy').length,
        desiredInstanceCount: desired?.instanceCount ?? initial.initialInstanceCount ?? 1,
        instances,
      };
    });
    const next: EndpointStatus = {
      ...record.status,
      endpointStatus,
      currentEndpointConfigName: live.configName,
      productionVariants: variants,
      ...(options.clearFailure ? { failureReason: undefined } : {}),
    };
    const unchanged =
      JSON.stringify(next) === JSON.stringify(record.status) && record.phase === endpointStatus;
    if (unchanged && !options.event) return;
    await this.deps.store.transaction(async (tx) => {
      if (!unchanged)
        await this.deps.store.mutateResource<EndpointSpec, EndpointStatus>({
          kind: endpointKind,
          name: record.name,
          change: (current) =>
            current.status.endpointStatus === 'Deleting' ||
            current.spec.endpointConfigName !== live.configName
              ? {}
              : { status: { ...next, lastScaling: current.status.lastScaling }, phase: endpointStatus },
          tx,
        });
      if (options.event)
        await this.deps.events.publish({ resource: `endpoint/${record.name}`, ...options.event, tx });
    });
  }
}
