/** API views of experiments' runs: times as ISO-8601, duration in seconds. */
import { isoTime } from '../core/clock.ts';
import type { RunDetails } from './runs.ts';

export function describeRun(run: RunDetails) {
  const { data } = run;
  const end = run.endTime;
  return {
    runName: run.runName,
    experimentName: run.experimentName,
    status: run.status,
    trainingJobName: run.trainingJobName,
    startTime: isoTime(run.startTime),
    endTime: isoTime(end),
    durationSeconds: end === undefined ? undefined : (end - run.startTime) / 1000,
    params: run.params,
    tags: run.tags,
    metrics: Object.fromEntries(Object.entries(run.metrics).map(([name, point]) => [name, point.value])),
    notes: data.notes,
    source: data.source,
    inputData: data.inputData ?? [],
    environment: data.environment,
    artifacts: data.artifacts ?? [],
    modelArtifact: data.modelArtifact,
    failureReason: data.failureReason,
    reproducible: Boolean(data.trainingJobSpec),
    creationTime: isoTime(run.createdAt),
    lastModifiedTime: isoTime(run.updatedAt),
  };
}
