/**
 * Turns log lines into metric points with the job's metric definitions (name + regex with one
 * capture group), as SageMaker does. Points are buffered and flushed in batches. A job's log is
 * untrusted input to the user's own pattern, so patterns run on the linear-time engine.
 */

import { invalid } from '../core/errors.ts';
import { LinearRegExp } from '../core/linear-regex.ts';
import type { MetricPoint } from '../experiments/metric-store.ts';

export interface MetricDefinition {
  name: string;
  regex: string;
}

export function compileDefinitions(
  definitions: MetricDefinition[],
): Array<{ name: string; regex: LinearRegExp }> {
  return definitions.map((definition, index) => {
    let regex: LinearRegExp;
    try {
      regex = new LinearRegExp(definition.regex);
    } catch (error) {
      throw invalid(
        `algorithmSpecification.metricDefinitions[${index}].regex`,
        `is not a valid regular expression (${(error as Error).message})`,
      );
    }
    return { name: definition.name, regex };
  });
}

export class MetricParser {
  private readonly compiled: Array<{ name: string; regex: LinearRegExp }>;
  private readonly steps = new Map<string, number>();
  private pending: MetricPoint[] = [];
  readonly latest = new Map<string, MetricPoint>();

  constructor(
    definitions: MetricDefinition[],
    private readonly now: () => number,
  ) {
    this.compiled = compileDefinitions(definitions);
  }

  /** Every definition is tried on every line; a line may carry several metrics. */
  accept(line: string): void {
    for (const { name, regex } of this.compiled) {
      const match = regex.exec(line);
      if (!match) continue;
      const value = Number.parseFloat(match[1] ?? match[0]);
      if (!Number.isFinite(value)) continue;
      const step = this.steps.get(name) ?? 0;
      this.steps.set(name, step + 1);
      const point = { name, value, step, time: this.now() };
      this.pending.push(point);
      this.latest.set(name, point);
    }
  }

  /** Points parsed since the last call. */
  drain(): MetricPoint[] {
    const points = this.pending;
    this.pending = [];
    return points;
  }
}
