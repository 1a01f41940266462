/**
 * What the training controller tells experiment tracking and lineage as a job runs (the
 * `TrainingJobHooks` it calls): at start the job creates or joins its run (experimentConfig, else the
 * Default experiment and a run named after the job) with its hyperparameters, the code's content
 * hash and git state, every channel's data hash and the environment, and records lineage edges
 * data/code/image → job; its parsed log metrics stream into the run; at the end the run ends with the
 * job's status and the model artifact is recorded as produced by the job.
 */
import type { Artifacts } from '../artifacts/artifacts.ts';
import type { Logger } from '../core/logging.ts';
import type { LineageService } from '../lineage/service.ts';
import { submitDirectory } from '../training/command.ts';
import type { TrainingJobRecord } from '../training/service.ts';
import { hashUri } from './content-hash.ts';
import type { MetricPoint } from './metric-store.ts';
import type { RunService } from './runs.ts';
import { describeSource, interpreterVersion } from './source-info.ts';
import { defaultExperiment, type EnvironmentInfo, type RunRecordData, type RunStatus } from './types.ts';

export interface TrainingJobHooks {
  /** Before the job's command starts. Throwing fails the job with that reason. */
  started(
    record: TrainingJobRecord,
    launch: { runtime: string; image?: string; command: string[] },
  ): Promise<void>;
  metrics(trainingJobName: string, points: MetricPoint[]): Promise<void>;
  ended(record: TrainingJobRecord): Promise<void>;
}

/** Hyperparameters that say where the code is: recorded as the run's source, not as parameters. */
const sourceHyperparameters = new Set(['sagemaker_program', 'sagemaker_submit_directory']);

export class TrainingTracker implements TrainingJobHooks {
  /** Job → run, so metric flushes do not look the run up every second. */
  private readonly runOfJob = new Map<string, string>();

  constructor(
    private readonly deps: {
      runs: RunService;
      lineage: LineageService;
      artifacts: Artifacts;
      logger: Logger;
    },
  ) {}

  async started(record: TrainingJobRecord, launch: { runtime: string; image?: string; command: string[] }) {
    const { spec } = record;
    const config = spec.experimentConfig;
    const experimentName = config?.experimentName ?? defaultExperiment;
    const runName = config?.runName ?? record.name;
    const data: RunRecordData = { trainingJobSpec: spec as unknown as Record<string, unknown> };

    const code = submitDirectory(spec);
    if (code) {
      data.source = await describeSource(
        this.deps.artifacts,
        code,
        'hyperParameters.sagemaker_submit_directory',
      );
    }
    data.inputData = [];
    for (const [index, channel] of (spec.inputDataConfig ?? []).entries()) {
      const uri = channel.dataSource.s3DataSource.s3Uri;
      const hashed = await hashUri(this.deps.artifacts, uri, {
        field: `inputDataConfig[${index}].dataSource.s3DataSource.s3Uri`,
      });
      if (hashed) data.inputData.push({ name: channel.channelName, uri, sha256: hashed.sha256 });
    }
    data.environment = await this.environment(record, launch, data.source?.lockFiles);

    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(spec.hyperParameters ?? {})) {
      if (!sourceHyperparameters.has(key)) params[key] = value;
    }
    const tags: Record<string, string> = { 'slipway.trainingJobName': record.name };
    for (const tag of spec.tags ?? []) tags[tag.key] = tag.value;
    await this.deps.runs.startOrJoin({
      experimentName,
      runName,
      trainingJobName: record.name,
      params,
      tags,
      data,
    });
    this.runOfJob.set(record.name, runName);

    const job = { kind: 'training-job', name: record.name } as const;
    await this.deps.lineage.recordNode({ ...job, properties: { experimentName, runName } });
    for (const input of data.inputData) {
      await this.deps.lineage.recordNode({ kind: 'dataset', name: input.uri, sha256: input.sha256 });
      await this.deps.lineage.recordEdge({
        upstream: { kind: 'dataset', name: input.uri },
        downstream: job,
        type: 'used-by',
        properties: { channel: input.name, sha256: input.sha256 },
      });
    }
    if (data.source) {
      await this.deps.lineage.recordNode({
        kind: 'code',
        name: data.source.uri,
        sha256: data.source.sha256,
        properties: data.source.git ? { git: data.source.git } : {},
      });
      await this.deps.lineage.recordEdge({
        upstream: { kind: 'code', name: data.source.uri },
        downstream: job,
        type: 'used-by',
        properties: { sha256: data.source.sha256, ...(data.source.git ? { git: data.source.git } : {}) },
      });
    }
    if (launch.image) {
      await this.deps.lineage.recordEdge({
        upstream: { kind: 'image', name: launch.image },
        downstream: job,
        type: 'used-by',
      });
    }
  }

  private async environment(
    record: TrainingJobRecord,
    launch: { runtime: string; image?: string; command: string[] },
    lockFiles: Record<string, string> | undefined,
  ): Promise<EnvironmentInfo> {
    const algorithm = record.spec.algorithmSpecification;
    const environment: EnvironmentInfo = { runtime: launch.runtime, command: launch.command };
    if (launch.image) environment.image = launch.image;
    if (algorithm.algorithmName) environment.algorithmName = algorithm.algorithmName;
    const program = launch.command[0] ?? '';
    // Only host interpreters can be asked for their version; an image's are inside the image.
    if (!launch.image && /python[0-9.]*$/.test(program))
      environment.python = await interpreterVersion(program);
    if (!launch.image && program === process.execPath) environment.node = process.versions.node;
    if (lockFiles) environment.lockFiles = lockFiles;
    return environment;
  }

  async metrics(trainingJobName: string, points: MetricPoint[]): Promise<void> {
    const run = await this.runFor(trainingJobName);
    if (run) await this.deps.runs.logPoints(run, points);
  }

  async ended(record: TrainingJobRecord): Promise<void> {
    const { status } = record;
    const artifact = status.modelArtifacts;
    if (artifact) {
      await this.deps.lineage.recordNode({
        kind: 'model-artifact',
        name: artifact.s3ModelArtifacts,
        sha256: artifact.sha256,
        properties: { size: artifact.size },
      });
      await this.deps.lineage.recordEdge({
        upstream: { kind: 'training-job', name: record.name },
        downstream: { kind: 'model-artifact', name: artifact.s3ModelArtifacts },
        type: 'produced-by',
      });
    }
    const run = await this.runFor(record.name);
    this.runOfJob.delete(record.name);
    if (!run) return;
    if (artifact) {
      await this.deps.runs.patchData(run, (data) => ({
        ...data,
        modelArtifact: { uri: artifact.s3ModelArtifacts, sha256: artifact.sha256 },
      }));
    }
    const runStatus: RunStatus =
      status.trainingJobStatus === 'Completed'
        ? 'Completed'
        : status.trainingJobStatus === 'Failed'
          ? 'Failed'
          : 'Stopped';
    await this.deps.runs.end({ run, status: runStatus, failureReason: status.failureReason });
  }

  private async runFor(trainingJobName: string): Promise<string | undefined> {
    const known = this.runOfJob.get(trainingJobName);
    if (known) return known;
    const run = await this.deps.runs.findByTrainingJob(trainingJobName);
    if (run) this.runOfJob.set(trainingJobName, run.runName);
    return run?.runName;
  }
}
