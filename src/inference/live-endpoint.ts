/**
 * An endpoint as the data plane holds it: variants with weights and backends, its capture writer.
 * Everything a request needs is here in memory; no request touches the database.
 */
import type { VariantBackend } from './backends/backend.ts';
import type { CaptureWriter } from './capture.ts';
import type { VariantMetrics } from './variant-metrics.ts';

export interface LiveVariant {
  name: string;
  modelName: string;
  weight: number;
  backend: VariantBackend;
  metrics: VariantMetrics;
}

export class LiveEndpoint {
  private cumulative: number[] = [];
  private total = 0;

  constructor(
    readonly name: string,
    readonly configName: string,
    readonly variants: LiveVariant[],
    readonly capture?: CaptureWriter,
  ) {
    this.reweigh();
  }

  /** Recomputes the cumulative weights after a weight change. */
  reweigh(): void {
    let sum = 0;
    this.cumulative = this.variants.map((variant) => (sum += Math.max(0, variant.weight)));
    this.total = sum;
  }

  variant(name: string): LiveVariant | undefined {
    return this.variants.find((v) => v.name === name);
  }

  /** A variant drawn by weight: `random` in [0, 1). */
  pick(random: number): LiveVariant | undefined {
    if (this.total <= 0) return undefined;
    const target = random * this.total;
    for (let i = 0; i < this.cumulative.length; i++)
      if (target < this.cumulative[i]!) return this.variants[i];
    return this.variants.at(-1);
  }

  ready(): boolean {
    return this.variants.some((variant) => variant.weight > 0 && variant.backend.ready());
  }

  async close(): Promise<void> {
    await this.capture?.close();
    await Promise.all(this.variants.map((variant) => variant.backend.close()));
  }
}

export class EndpointRouter {
  private readonly endpoints = new Map<string, LiveEndpoint>();

  get(name: string): LiveEndpoint | undefined {
    return this.endpoints.get(name);
  }

  /** Puts `endpoint` in service; returns the one it replaced (the caller closes it after draining). */
  swap(endpoint: LiveEndpoint): LiveEndpoint | undefined {
    const previous = this.endpoints.get(endpoint.name);
    this.endpoints.set(endpoint.name, endpoint);
    return previous;
  }

  remove(name: string): LiveEndpoint | undefined {
    const previous = this.endpoints.get(name);
    this.endpoints.delete(name);
    return previous;
  }

  names(): string[] {
    return [...this.endpoints.keys()];
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.endpoints.values()].map((endpoint) => endpoint.close()));
    this.endpoints.clear();
  }
}
