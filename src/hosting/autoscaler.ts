/**
 * Target-tracking autoscaling per variant, as SageMaker's SageMakerVariantInvocationsPerInstance
 * policy: every evaluation period the invocations per instance per minute are measured, the count
 * that would bring them to the target is computed, clamped to [min, max], and applied unless a
 * cooldown holds it back. Every decision is an event on the bus.
 */
import type { EventBus } from '../core/events.ts';
import type { Logger } from '../core/logging.ts';
import type { EndpointRouter } from '../inference/live-endpoint.ts';
import type { Store } from '../store/store.ts';
import type { EndpointConfigService } from './endpoint-configs.ts';
import { type EndpointService, endpointKind } from './endpoints.ts';
import type { AutoScalingSpec, EndpointSpec, EndpointStatus } from './types.ts';

interface VariantState {
  lastInvocations: number;
  lastEvaluation: number;
  lastScaleOut: number;
  lastScaleIn: number;
}

/** The instance count that brings the measured load to the target (pure, for tests and reasoning). */
export function desiredInstances(options: {
  current: number;
  invocationsPerMinute: number;
  spec: AutoScalingSpec;
}): number {
  const { current, invocationsPerMinute, spec } = options;
  const needed = Math.ceil(invocationsPerMinute / spec.targetInvocationsPerInstance);
  // Scale in one step at a time: a lull is not proof that the load has gone.
  const target = needed < current ? Math.max(needed, current - 1) : needed;
  return Math.min(spec.maxInstanceCount, Math.max(spec.minInstanceCount, target));
}

export class Autoscaler {
  private readonly state = new Map<string, VariantState>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly deps: {
      store: Store;
      events: EventBus;
      router: EndpointRouter;
      configs: EndpointConfigService;
      endpoints: EndpointService;
      logger: Logger;
      now?: () => number;
      tickMs?: number;
    },
  ) {}

  start(): void {
    this.timer = setInterval(
      () => void this.tick().catch((error) => this.deps.logger.warn({ err: error }, 'autoscaling failed')),
      this.deps.tickMs ?? 1000,
    );
  }

  close(): void {
    clearInterval(this.timer);
  }

  async tick(): Promise<void> {
    const now = (this.deps.now ?? Date.now)();
    for (const endpointName of this.deps.router.names()) {
      const live = this.deps.router.get(endpointName)!;
      const config = await this.deps.configs.find(live.configName);
      if (!config) continue;
      for (const variant of live.variants) {
        const spec = config.spec.productionVariants.find((v) => v.variantName === variant.name)?.autoScaling;
        if (!spec) continue;
        const key = `${endpointName}/${live.configName}/${variant.name}`;
        const state = this.state.get(key);
        const invocations = variant.metrics.counters.invocations;
        if (!state) {
          this.state.set(key, {
            lastInvocations: invocations,
            lastEvaluation: now,
            lastScaleOut: 0,
            lastScaleIn: 0,
          });
          continue;
        }
        const periodMs = (spec.evaluationPeriodSeconds ?? 60) * 1000;
        if (now - state.lastEvaluation < periodMs) continue;
        const minutes = (now - state.lastEvaluation) / 60_000;
        const perMinute = (invocations - state.lastInvocations) / minutes;
        state.lastInvocations = invocations;
        state.lastEvaluation = now;
        const current = variant.backend.instances().length;
        const desired = desiredInstances({ current, invocationsPerMinute: perMinute, spec });
        if (desired === current) continue;
        const out = desired > current;
        const cooldownMs = ((out ? spec.scaleOutCooldownSeconds : spec.scaleInCooldownSeconds) ?? 300) * 1000;
        if (now - (out ? state.lastScaleOut : state.lastScaleIn) < cooldownMs) continue;
        if (out) state.lastScaleOut = now;
        else state.lastScaleIn = now;
        const reason = `${Math.round(perMinute)} invocations/min on ${current} instance(s) against a target of ${spec.targetInvocationsPerInstance} per instance`;
        await this.scale(endpointName, variant.name, current, desired, reason, now);
      }
    }
  }

  private async scale(
    endpointName: string,
    variantName: string,
    from: number,
    to: number,
    reason: string,
    now: number,
  ) {
    this.deps.logger.info({ endpoint: endpointName, variant: variantName, from, to, reason }, 'autoscaling');
    await this.deps.store.transaction(async (tx) => {
      await this.deps.endpoints.setInstanceCount({ name: endpointName, variantName, instanceCount: to, tx });
      await this.deps.store.mutateResource<EndpointSpec, EndpointStatus>({
        kind: endpointKind,
        name: endpointName,
        change: (current) => ({
          status: {
            ...current.status,
            lastScaling: { ...current.status.lastScaling, [variantName]: { at: now, from, to, reason } },
          },
        }),
        tx,
      });
      await this.deps.events.publish({
        resource: `endpoint/${endpointName}`,
        type: to > from ? 'endpoint.scaled-out' : 'endpoint.scaled-in',
        detail: { variantName, from, to, reason },
        tx,
      });
    });
  }
}
