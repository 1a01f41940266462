/**
 * Training jobs: validation and store writes. Running them is the controller's work; this service
 * only records what was asked (create, stop) and answers what is true (describe, list, metrics).
 */

import type { Artifacts } from '../artifacts/artifacts.ts';
import { ArtifactErrors } from '../artifacts/errors.ts';
import { isoTime } from '../core/clock.ts';
import { invalid, isSlipwayError } from '../core/errors.ts';
import type { EventBus } from '../core/events.ts';
import { arnOf } from '../core/ids.ts';
import { validate } from '../core/schema.ts';
import type { TrustMode } from '../core/trust-mode.ts';
import type { MetricStore } from '../experiments/metric-store.ts';
import type { ResourceRecord, Store } from '../store/store.ts';
import type { BuiltinAlgorithms } from './builtins.ts';
import { resolveCommand, scriptProgram, submitDirectory } from './command.ts';
import { TrainingErrors } from './errors.ts';
import { compileDefinitions } from './metric-parser.ts';
import {
  type TrainingJobSpec,
  TrainingJobSpecSchema,
  type TrainingJobStatus,
  type TrainingJobStatusName,
  terminalStatuses,
} from './types.ts';

export const trainingJobKind = 'training-job';
export type TrainingJobRecord = ResourceRecord<TrainingJobSpec, TrainingJobStatus>;

export interface TrainingServiceDeps {
  store: Store;
  artifacts: Artifacts;
  events: EventBus;
  metrics: MetricStore;
  builtins: BuiltinAlgorithms;
  gpuInventory: readonly number[];
  python: string;
  /** Where user code may run (team mode puts it in a container). */
  trust: TrustMode;
}

export function ownerOf(name: string): string {
  return `${trainingJobKind}/${name}`;
}

export class TrainingService {
  /** Called after a job is created or asked to stop, so a local controller reacts at once. */
  onChange: (name: string) => void = () => {};

  constructor(private readonly deps: TrainingServiceDeps) {}

  async create(options: { spec: unknown }): Promise<TrainingJobRecord> {
    const spec = withBuiltinMetrics(validate(TrainingJobSpecSchema, options.spec), this.deps.builtins);
    await this.check(spec);
    // Built-ins are Slipway's own code; anything else is the user's, and the trust mode places it.
    if (!spec.algorithmSpecification.algorithmName) {
      const image = this.deps.trust.imageForUserCode(
        spec.algorithmSpecification.trainingImage,
        'algorithmSpecification.trainingImage',
      );
      if (image) spec.algorithmSpecification.trainingImage = image;
    }
    const now = this.deps.store.clock.now();
    const status: TrainingJobStatus = {
      trainingJobStatus: 'InProgress',
      secondaryStatus: 'Starting',
      secondaryStatusTransitions: [
        { status: 'Starting', startTime: now, statusMessage: 'Preparing the instances for training' },
      ],
      finalMetricDataList: [],
    };
    const record = await this.deps.store.transaction(async (tx) => {
      const created = await this.deps.store.createResource({
        kind: trainingJobKind,
        name: spec.trainingJobName,
        arn: arnOf('sagemaker', 'training-job', spec.trainingJobName),
        spec,
        status,
        phase: 'InProgress',
        tx,
      });
      await this.deps.events.publish({
        resource: ownerOf(spec.trainingJobName),
        type: 'training-job.created',
        detail: { trainingJobName: spec.trainingJobName },
        tx,
      });
      return created;
    });
    this.onChange(spec.trainingJobName);
    return record;
  }

  /** Everything that can be known to be wrong before anything runs. */
  private async check(spec: TrainingJobSpec): Promise<void> {
    const resources = spec.resourceConfig ?? {};
    if ((resources.instanceCount ?? 1) > 1) throw TrainingErrors.multiInstance();
    const gpus = resources.gpuCount ?? 0;
    if (gpus > this.deps.gpuInventory.length) {
      throw TrainingErrors.tooManyGpus({ requested: gpus, available: this.deps.gpuInventory.length });
    }
    // Resolving the command checks that there is one and that a built-in exists.
    resolveCommand(spec, {
      codeRoot: '/opt/ml/code',
      python: this.deps.python,
      builtins: this.deps.builtins,
    });
    compileDefinitions(spec.algorithmSpecification.metricDefinitions ?? []);
    const algorithm = spec.algorithmSpecification.algorithmName;
    if (algorithm) this.deps.builtins.get(algorithm)!.validateHyperparameters(spec.hyperParameters ?? {});
    if (
      scriptProgram(spec) !== undefined &&
      submitDirectory(spec) === undefined &&
      !spec.algorithmSpecification.trainingImage
    ) {
      throw invalid(
        'hyperParameters.sagemaker_submit_directory',
        'is required with sagemaker_program (the folder or sourcedir.tar.gz with the code)',
      );
    }
    const channelNames = new Set<string>();
    for (const [index, channel] of (spec.inputDataConfig ?? []).entries()) {
      const field = `inputDataConfig[${index}].dataSource.s3DataSource.s3Uri`;
      if (channelNames.has(channel.channelName)) {
        throw invalid(
          `inputDataConfig[${index}].channelName`,
          `"${channel.channelName}" is used by two channels`,
        );
      }
      channelNames.add(channel.channelName);
      const uri = channel.dataSource.s3DataSource.s3Uri;
      if (!(await this.exists(uri, field)))
        throw TrainingErrors.channelMissing({ field, channel: channel.channelName, uri });
    }
    const code = submitDirectory(spec);
    if (code !== undefined && !(await this.exists(code, 'hyperParameters.sagemaker_submit_directory'))) {
      throw invalid('hyperParameters.sagemaker_submit_directory', `${code} does not exist`);
    }
    if (spec.outputDataConfig)
      this.deps.artifacts.storeFor(spec.outputDataConfig.s3OutputPath, 'outputDataConfig.s3OutputPath');
  }

  /** A URI names something when it is an object or a non-empty prefix. */
  private async exists(uri: string, field: string): Promise<boolean> {
    try {
      const single = this.deps.artifacts.resolve(uri, field);
      if (single.key && (await single.store.head(single.key))) return true;
      const objects = await this.deps.artifacts.storeFor(uri.replace(/\/*$/, '/'), field).list('');
      return objects.length > 0;
    } catch (error) {
      if (isSlipwayError(error) && error.code === ArtifactErrors.badUri.code) throw error;
      if (isSlipwayError(error) && error.kind === 'validation') throw invalid(field, error.message);
      throw error;
    }
  }

  get(name: string): Promise<TrainingJobRecord> {
    return this.deps.store.requireResource({ kind: trainingJobKind, name });
  }

  list(options: {
    limit?: number;
    nextToken?: string;
    statusEquals?: TrainingJobStatusName;
    nameContains?: string;
  }) {
    return this.deps.store.listResources<TrainingJobSpec, TrainingJobStatus>({
      kind: trainingJobKind,
      limit: options.limit,
      nextToken: options.nextToken,
      phase: options.statusEquals,
      nameContains: options.nameContains,
    });
  }

  async stop(name: string): Promise<TrainingJobRecord> {
    const record = await this.deps.store.transaction(async (tx) => {
      const stopping = await this.deps.store.mutateResource<TrainingJobSpec, TrainingJobStatus>({
        kind: trainingJobKind,
        name,
        tx,
        change: (current) => {
          if (current.status.trainingJobStatus === 'Stopping') return {};
          if (current.status.trainingJobStatus !== 'InProgress') {
            throw TrainingErrors.notStoppable({ name, status: current.status.trainingJobStatus });
          }
          return {
            status: { ...current.status, trainingJobStatus: 'Stopping', stopReason: 'user' },
            phase: 'Stopping',
          };
        },
      });
      await this.deps.events.publish({
        resource: ownerOf(name),
        type: 'training-job.stopping',
        detail: { trainingJobName: name },
        tx,
      });
      return stopping;
    });
    this.onChange(name);
    return record;
  }

  isTerminal(record: TrainingJobRecord): boolean {
    return terminalStatuses.includes(record.status.trainingJobStatus);
  }

  metricSeries(name: string, metric: string) {
    return this.deps.metrics.series(ownerOf(name), metric);
  }

  metricNames(name: string) {
    return this.deps.metrics.names(ownerOf(name));
  }
}

/** DescribeTrainingJob's shape: the spec's fields and the status's, times as ISO-8601. */
export function describeTrainingJob(record: TrainingJobRecord) {
  const { status, spec } = record;
  const { execution, stopReason, ...visible } = status;
  return {
    ...spec,
    trainingJobArn: record.arn,
    ...visible,
    secondaryStatusTransitions: status.secondaryStatusTransitions.map((t) => ({
      ...t,
      startTime: isoTime(t.startTime),
      endTime: isoTime(t.endTime),
    })),
    finalMetricDataList: status.finalMetricDataList.map((m) => ({ ...m, timestamp: isoTime(m.timestamp) })),
    resourceConfig: { instanceCount: 1, ...spec.resourceConfig, assignedGpus: execution?.gpus ?? [] },
    runtime: execution?.runtime,
    creationTime: isoTime(record.createdAt),
    lastModifiedTime: isoTime(record.updatedAt),
    trainingStartTime: isoTime(status.trainingStartTime),
    trainingEndTime: isoTime(status.trainingEndTime),
    version: record.version,
  };
}

/** A built-in algorithm's job records its metrics without being told how to find them. */
function withBuiltinMetrics(spec: TrainingJobSpec, builtins: BuiltinAlgorithms): TrainingJobSpec {
  const algorithm = spec.algorithmSpecification.algorithmName;
  const builtin = algorithm ? builtins.get(algorithm) : undefined;
  if (!builtin || spec.algorithmSpecification.metricDefinitions) return spec;
  return {
    ...spec,
    algorithmSpecification: { ...spec.algorithmSpecification, metricDefinitions: builtin.metricDefinitions },
  };
}
