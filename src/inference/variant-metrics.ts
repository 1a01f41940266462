/**
 * Per-variant metrics, kept in memory for describe and the autoscaler, and exported to Prometheus:
 * invocations, 4xx, 5xx, model latency (time in the backend) and overhead latency (the rest).
 */
import { Counter, Histogram, type Registry } from 'prom-client';

export interface VariantCounters {
  invocations: number;
  invocation4xxErrors: number;
  invocation5xxErrors: number;
  modelLatencyMsTotal: number;
  overheadLatencyMsTotal: number;
}

export function emptyCounters(): VariantCounters {
  return {
    invocations: 0,
    invocation4xxErrors: 0,
    invocation5xxErrors: 0,
    modelLatencyMsTotal: 0,
    overheadLatencyMsTotal: 0,
  };
}

export class InferenceMetrics {
  private readonly invocations: Counter<'endpoint' | 'variant'>;
  private readonly errors: Counter<'endpoint' | 'variant' | 'class'>;
  private readonly modelLatency: Histogram<'endpoint' | 'variant'>;
  private readonly overheadLatency: Histogram<'endpoint' | 'variant'>;

  constructor(registry: Registry) {
    const buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];
    this.invocations = new Counter({
      name: 'slipway_endpoint_invocations_total',
      help: 'Invocations by endpoint and variant',
      labelNames: ['endpoint', 'variant'],
      registers: [registry],
    });
    this.errors = new Counter({
      name: 'slipway_endpoint_invocation_errors_total',
      help: 'Failed invocations by class (4xx or 5xx)',
      labelNames: ['endpoint', 'variant', 'class'],
      registers: [registry],
    });
    this.modelLatency = new Histogram({
      name: 'slipway_endpoint_model_latency_seconds',
      help: 'Time spent in the model',
      labelNames: ['endpoint', 'variant'],
      buckets,
      registers: [registry],
    });
    this.overheadLatency = new Histogram({
      name: 'slipway_endpoint_overhead_latency_seconds',
      help: 'Time spent in Slipway around the model',
      labelNames: ['endpoint', 'variant'],
      buckets,
      registers: [registry],
    });
  }

  /** Label-bound children, made once per variant so the hot path does no label lookups. */
  forVariant(endpoint: string, variant: string) {
    const invocations = this.invocations.labels(endpoint, variant);
    const errors4xx = this.errors.labels(endpoint, variant, '4xx');
    const errors5xx = this.errors.labels(endpoint, variant, '5xx');
    const model = this.modelLatency.labels(endpoint, variant);
    const overhead = this.overheadLatency.labels(endpoint, variant);
    const counters = emptyCounters();
    return {
      counters,
      observe(status: number, modelMs: number, overheadMs: number) {
        counters.invocations++;
        invocations.inc();
        if (status >= 500) {
          counters.invocation5xxErrors++;
          errors5xx.inc();
        } else if (status >= 400) {
          counters.invocation4xxErrors++;
          errors4xx.inc();
        }
        counters.modelLatencyMsTotal += modelMs;
        counters.overheadLatencyMsTotal += overheadMs;
        model.observe(modelMs / 1000);
        overhead.observe(overheadMs / 1000);
      },
    };
  }
}

export type VariantMetrics = ReturnType<InferenceMetrics['forVariant']>;
