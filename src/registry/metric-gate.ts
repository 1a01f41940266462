/**
 * The approval gate on metrics: a group's required metrics are met only by values the training job
 * measured, never by numbers the registering caller declared, and a version keeps which is which.
 */
import type { TrainingService } from '../training/service.ts';
import { RegistryErrors } from './errors.ts';
import type { GroupService } from './groups.ts';
import type { PackageRecord } from './model-packages.ts';
import type { PackageSpec, Source } from './types.ts';

export interface GateDeps {
  groups: GroupService;
  training: TrainingService;
}

/** Refuses approval unless every required metric is present, within bounds, and measured. */
export async function checkRequiredMetrics(deps: GateDeps, target: PackageRecord): Promise<void> {
  const group = await deps.groups.get(target.spec.modelPackageGroupName);
  const sources = target.spec.metricSources ?? (await legacySources(deps, target));
  for (const [metric, bound] of Object.entries(group.spec.requiredMetrics ?? {})) {
    const value = Object.hasOwn(target.spec.metrics, metric) ? target.spec.metrics[metric] : undefined;
    const modelPackage = target.name;
    if (value === undefined)
      throw RegistryErrors.metricMissing({ modelPackage, metric, field: `metrics.${metric}` });
    if (bound.min !== undefined && value < bound.min) {
      throw RegistryErrors.metricOutOfBounds({
        modelPackage,
        metric,
        value,
        bound: `at least ${bound.min}`,
        field: `metrics.${metric}`,
      });
    }
    if (bound.max !== undefined && value > bound.max) {
      throw RegistryErrors.metricOutOfBounds({
        modelPackage,
        metric,
        value,
        bound: `at most ${bound.max}`,
        field: `metrics.${metric}`,
      });
    }
    // A number the registering caller typed is a claim, not a measurement: the gate needs the latter.
    if ((sources[metric] ?? 'declared') === 'declared')
      throw RegistryErrors.metricDeclared({ modelPackage, metric, value, field: `metrics.${metric}` });
  }
}

/**
 * Sources for a version stored before they were kept: a value is the job's if the training job
 * it came from still reports the same value; anything else counts as declared.
 */
async function legacySources(deps: GateDeps, target: PackageRecord): Promise<Record<string, Source>> {
  if (!target.spec.trainingJobName) return {};
  const job = await deps.training.get(target.spec.trainingJobName).catch(() => undefined);
  const sources: Record<string, Source> = {};
  for (const measured of job?.status.finalMetricDataList ?? []) {
    if (target.spec.metrics[measured.metricName] === measured.value)
      sources[measured.metricName] = 'training-job';
  }
  return sources;
}

/**
 * A version's metrics with their sources: a measured value wins over a declared one of the same
 * name, so declaring cannot overwrite what the job measured; every declared value is kept as given.
 */
export function withSources(
  measured: Record<string, number>,
  declared: Record<string, number> = {},
): Pick<PackageSpec, 'metrics' | 'metricSources' | 'declaredMetrics'> {
  const metrics: Record<string, number> = {};
  const metricSources: Record<string, Source> = {};
  for (const [name, value] of Object.entries(declared)) {
    metrics[name] = value;
    metricSources[name] = 'declared';
  }
  for (const [name, value] of Object.entries(measured)) {
    metrics[name] = value;
    metricSources[name] = 'training-job';
  }
  return {
    metrics,
    metricSources,
    ...(Object.keys(declared).length ? { declaredMetrics: { ...declared } } : {}),
  };
}
