/**
 * Runs side by side: the parameters that differ (and those they share), every final metric, and
 * each metric's series for plotting, thinned to at most `maxPoints` points per series so a chart of
 * long runs stays cheap (the last point is always kept: it is the final value).
 */
import { invalid } from '../core/errors.ts';
import type { MetricPoint } from './metric-store.ts';
import type { RunDetails, RunService } from './runs.ts';

export interface Comparison {
  runs: RunDetails[];
  params: {
    differing: Record<string, Record<string, string | null>>;
    same: Record<string, string>;
  };
  metrics: Record<string, Record<string, number | null>>;
  series: Record<string, Record<string, { steps: number[]; values: number[] }>>;
}

export async function compareRuns(
  runs: RunService,
  options: { names: string[]; maxPoints?: number },
): Promise<Comparison> {
  const names = [...new Set(options.names)];
  if (names.length < 2) throw invalid('runs', 'name at least two runs, comma-separated');
  if (names.length > 20) throw invalid('runs', 'compare at most 20 runs at once');
  const maxPoints = options.maxPoints ?? 1000;
  const details: RunDetails[] = [];
  for (const name of names) details.push(await runs.get(name));

  const paramKeys = [...new Set(details.flatMap((run) => Object.keys(run.params)))].sort();
  const differing: Comparison['params']['differing'] = {};
  const same: Record<string, string> = {};
  for (const key of paramKeys) {
    const values = details.map((run) => run.params[key] ?? null);
    if (values.every((value) => value === values[0]) && values[0] !== null) same[key] = values[0];
    else differing[key] = Object.fromEntries(details.map((run, i) => [run.runName, values[i]!]));
  }

  const metricNames = [...new Set(details.flatMap((run) => Object.keys(run.metrics)))].sort();
  const metrics: Comparison['metrics'] = {};
  const series: Comparison['series'] = {};
  for (const metric of metricNames) {
    metrics[metric] = Object.fromEntries(
      details.map((run) => [run.runName, run.metrics[metric]?.value ?? null]),
    );
    series[metric] = {};
    for (const run of details) {
      if (!run.metrics[metric]) continue;
      const points = thin(await runs.series(run.runName, metric), maxPoints);
      series[metric][run.runName] = { steps: points.map((p) => p.step), values: points.map((p) => p.value) };
    }
  }
  return { runs: details, params: { differing, same }, metrics, series };
}

function thin(points: MetricPoint[], maxPoints: number): MetricPoint[] {
  if (points.length <= maxPoints) return points;
  const stride = points.length / maxPoints;
  const kept: MetricPoint[] = [];
  for (let i = 0; i < maxPoints - 1; i++) kept.push(points[Math.floor(i * stride)]!);
  kept.push(points.at(-1)!);
  return kept;
}
