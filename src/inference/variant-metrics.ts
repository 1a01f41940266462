/**
 * Per-variant metrics: invocations, 4xx, 5xx, model latency (time in the backend) and overhead
 * latency (the rest). Kept in plain numbers on the request path — prom-client's labelled
 * observe validates and hashes its labels on every call — and turned into Prometheus series only
 * when /metrics is scraped. The same numbers feed describe and the autoscaler.
 */
import type { Registry } from 'prom-client';

export interface VariantCounters {
  invocations: number;
  invocation4xxErrors: number;
  invocation5xxErrors: number;
  modelLatencyMsTotal: number;
  overheadLatencyMsTotal: number;
}

const bucketsSeconds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];

interface LatencyHistogram {
  /** Observations per bucket (not cumulative); the last slot is +Inf. */
  counts: Float64Array;
  sumSeconds: number;
}

interface VariantState {
  labels: { endpoint: string; variant: string };
  counters: VariantCounters;
  model: LatencyHistogram;
  overhead: LatencyHistogram;
}

function histogram(): LatencyHistogram {
  return { counts: new Float64Array(bucketsSeconds.length + 1), sumSeconds: 0 };
}

function add(target: LatencyHistogram, seconds: number): void {
  let i = 0;
  while (i < bucketsSeconds.length && seconds > bucketsSeconds[i]!) i++;
  target.counts[i]!++;
  target.sumSeconds += seconds;
}

type Sample = { metricName?: string; labels: Record<string, string | number>; value: number };

export class InferenceMetrics {
  private readonly variants = new Map<string, VariantState>();

  constructor(registry: Registry) {
    const counter = (name: string, help: string, value: (s: VariantState) => number) =>
      this.register(registry, name, help, 'counter', () =>
        [...this.variants.values()].map((s) => ({ labels: s.labels, value: value(s) })),
      );
    counter(
      'slipway_endpoint_invocations_total',
      'Invocations by endpoint and variant',
      (s) => s.counters.invocations,
    );
    this.register(
      registry,
      'slipway_endpoint_invocation_errors_total',
      'Failed invocations by class (4xx or 5xx)',
      'counter',
      () =>
        [...this.variants.values()].flatMap((s) => [
          { labels: { ...s.labels, class: '4xx' }, value: s.counters.invocation4xxErrors },
          { labels: { ...s.labels, class: '5xx' }, value: s.counters.invocation5xxErrors },
        ]),
    );
    this.histogram(
      registry,
      'slipway_endpoint_model_latency_seconds',
      'Time spent in the model',
      (s) => s.model,
    );
    this.histogram(
      registry,
      'slipway_endpoint_overhead_latency_seconds',
      'Time spent in Slipway around the model',
      (s) => s.overhead,
    );
  }

  private register(
    registry: Registry,
    name: string,
    help: string,
    type: 'counter' | 'histogram',
    values: () => Sample[],
  ) {
    // prom-client formats any registered object with a get() returning its series.
    registry.registerMetric({
      name,
      help,
      get: async () => ({ name, help, type, values: values(), aggregator: 'sum' }),
      reset: () => {},
    } as never);
  }

  private histogram(
    registry: Registry,
    name: string,
    help: string,
    pick: (s: VariantState) => LatencyHistogram,
  ) {
    this.register(registry, name, help, 'histogram', () =>
      [...this.variants.values()].flatMap((state) => {
        const h = pick(state);
        const samples: Sample[] = [];
        let cumulative = 0;
        bucketsSeconds.forEach((bound, i) => {
          cumulative += h.counts[i]!;
          samples.push({
            metricName: `${name}_bucket`,
            labels: { ...state.labels, le: bound },
            value: cumulative,
          });
        });
        cumulative += h.counts[bucketsSeconds.length]!;
        samples.push({
          metricName: `${name}_bucket`,
          labels: { ...state.labels, le: '+Inf' },
          value: cumulative,
        });
        samples.push({ metricName: `${name}_sum`, labels: state.labels, value: h.sumSeconds });
        samples.push({ metricName: `${name}_count`, labels: state.labels, value: cumulative });
        return samples;
      }),
    );
  }

  /** The variant's recorder, made once per variant so the request path only adds numbers. */
  forVariant(endpoint: string, variant: string) {
    const key = `${endpoint}\u0000${variant}`;
    let state = this.variants.get(key);
    if (!state) {
      state = {
        labels: { endpoint, variant },
        counters: {
          invocations: 0,
          invocation4xxErrors: 0,
          invocation5xxErrors: 0,
          modelLatencyMsTotal: 0,
          overheadLatencyMsTotal: 0,
        },
        model: histogram(),
        overhead: histogram(),
      };
      this.variants.set(key, state);
    }
    const { counters, model, overhead } = state;
    return {
      counters,
      observe(status: number, modelMs: number, overheadMs: number) {
        counters.invocations++;
        if (status >= 500) counters.invocation5xxErrors++;
        else if (status >= 400) counters.invocation4xxErrors++;
        counters.modelLatencyMsTotal += modelMs;
        counters.overheadLatencyMsTotal += overheadMs;
        add(model, modelMs / 1000);
        add(overhead, overheadMs / 1000);
      },
    };
  }
}

export type VariantMetrics = ReturnType<InferenceMetrics['forVariant']>;
