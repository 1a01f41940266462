/**
 * Reproduce a run: re-create the training job it recorded (same code, data, hyperparameters and
 * image) under a new name, after checking that the code and every channel still hash to what the
 * run saw. Anything changed or gone is refused, each named with its field and both hashes, so the
 * user knows exactly what drifted instead of getting a silently different model.
 */
import type { Artifacts } from '../artifacts/artifacts.ts';
import { ResourceName, StrictObject, Type, validate } from '../core/schema.ts';
import { submitDirectory } from '../training/command.ts';
import type { TrainingService } from '../training/service.ts';
import type { TrainingJobSpec } from '../training/types.ts';
import { hashUri, isIncidentalCodeFile, shortHash } from './content-hash.ts';
import { ExperimentErrors } from './errors.ts';
import type { RunService } from './runs.ts';

export const ReproduceRequestSchema = StrictObject({
  /** Name of the new job (default: `<old job>-r<base36 time>`); it records into a run of the same name. */
  trainingJobName: Type.Optional(ResourceName),
});

export async function reproduceRun(
  deps: { runs: RunService; training: TrainingService; artifacts: Artifacts; now: () => number },
  options: { run: string; request: unknown },
): Promise<{ trainingJobName: string; runName: string; experimentName: string }> {
  const request = validate(ReproduceRequestSchema, options.request ?? {});
  const run = await deps.runs.require(options.run);
  const recorded = run.data.trainingJobSpec as TrainingJobSpec | undefined;
  if (!recorded) {
    throw ExperimentErrors.notReproducible({
      run: run.runName,
      reason: 'it was not recorded from a training job, so there is no job to re-create',
    });
  }
  const changes: string[] = [];
  const code = submitDirectory(recorded);
  if (code && run.data.source) {
    const now = await hashUri(deps.artifacts, code, { exclude: isIncidentalCodeFile }).catch(() => undefined);
    if (!now) changes.push(`hyperParameters.sagemaker_submit_directory: ${code} is gone`);
    else if (now.sha256 !== run.data.source.sha256) {
      changes.push(
        `hyperParameters.sagemaker_submit_directory: code sha256 changed from ${shortHash(run.data.source.sha256)} to ${shortHash(now.sha256)}`,
      );
    }
  }
  for (const [index, channel] of (recorded.inputDataConfig ?? []).entries()) {
    const uri = channel.dataSource.s3DataSource.s3Uri;
    const label = `inputDataConfig[${index}] (${channel.channelName})`;
    const seen = run.data.inputData?.find((input) => input.name === channel.channelName);
    const now = await hashUri(deps.artifacts, uri).catch(() => undefined);
    if (!now) changes.push(`${label}: ${uri} is gone`);
    else if (!seen) changes.push(`${label}: the run recorded no hash for it`);
    else if (now.sha256 !== seen.sha256) {
      changes.push(`${label}: sha256 changed from ${shortHash(seen.sha256)} to ${shortHash(now.sha256)}`);
    }
  }
  if (changes.length > 0) {
    throw ExperimentErrors.inputsChanged({ run: run.runName, changes: changes.join('; '), changed: changes });
  }
  const base = run.trainingJobName ?? recorded.trainingJobName;
  const trainingJobName = request.trainingJobName ?? fitName(`${base}-r${deps.now().toString(36)}`);
  const spec: TrainingJobSpec = {
    ...recorded,
    trainingJobName,
    experimentConfig: { experimentName: run.experimentName, runName: trainingJobName },
    tags: [
      ...(recorded.tags ?? []).filter((tag) => tag.key !== 'slipway.reproducedFrom'),
      { key: 'slipway.reproducedFrom', value: run.runName },
    ],
  };
  await deps.training.create({ spec });
  return { trainingJobName, runName: trainingJobName, experimentName: run.experimentName };
}

/** Keeps a generated name within 63 characters, keeping its unique end. */
function fitName(name: string): string {
  return name.length <= 63 ? name : name.slice(name.length - 63).replace(/^-+/, '');
}
