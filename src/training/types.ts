/**
 * Training job resource: the fields of SageMaker's CreateTrainingJob in camelCase, so the wire
 * adapter is a mechanical mapping. URIs may be s3:// or file:// (a local path).
 */
import { ResourceName, type Static, StrictObject, Tags, Type } from '../core/schema.ts';

const Uri = Type.String({ minLength: 1, maxLength: 2048, description: 'an s3:// or file:// URI' });

export const MetricDefinition = StrictObject({
  name: Type.String({ minLength: 1, maxLength: 255 }),
  regex: Type.String({ minLength: 1, maxLength: 500, description: 'one capture group: the value' }),
});

export const Channel = StrictObject({
  channelName: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9\\.\\-_]+$' }),
  dataSource: StrictObject({
    s3DataSource: StrictObject({
      s3Uri: Uri,
      s3DataType: Type.Optional(Type.Union([Type.Literal('S3Prefix'), Type.Literal('ManifestFile')])),
      s3DataDistributionType: Type.Optional(
        Type.Union([Type.Literal('FullyReplicated'), Type.Literal('ShardedByS3Key')]),
      ),
    }),
  }),
  contentType: Type.Optional(Type.String({ maxLength: 256 })),
  compressionType: Type.Optional(Type.Union([Type.Literal('None'), Type.Literal('Gzip')])),
  inputMode: Type.Optional(Type.Literal('File')),
});

export const TrainingJobSpecSchema = StrictObject({
  trainingJobName: ResourceName,
  algorithmSpecification: StrictObject({
    /** A container image (runs on the docker runtime). */
    trainingImage: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    /** A built-in algorithm: `linear-learner` or `gbdt`. */
    algorithmName: Type.Optional(Type.String({ minLength: 1, maxLength: 170 })),
    trainingInputMode: Type.Optional(Type.Literal('File')),
    metricDefinitions: Type.Optional(Type.Array(MetricDefinition, { maxItems: 40 })),
    containerEntrypoint: Type.Optional(
      Type.Array(Type.String({ maxLength: 256 }), { minItems: 1, maxItems: 100 }),
    ),
    containerArguments: Type.Optional(Type.Array(Type.String({ maxLength: 256 }), { maxItems: 100 })),
  }),
  hyperParameters: Type.Optional(
    Type.Record(Type.String({ maxLength: 256 }), Type.String({ maxLength: 2500 })),
  ),
  inputDataConfig: Type.Optional(Type.Array(Channel, { maxItems: 20 })),
  outputDataConfig: Type.Optional(StrictObject({ s3OutputPath: Uri })),
  resourceConfig: Type.Optional(
    StrictObject({
      instanceCount: Type.Optional(Type.Integer({ minimum: 1 })),
      instanceType: Type.Optional(Type.String({ maxLength: 64 })),
      volumeSizeInGb: Type.Optional(Type.Integer({ minimum: 1 })),
      /** CPUs for the job (default: all of the host's). */
      cpus: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1024 })),
      memoryMb: Type.Optional(Type.Integer({ minimum: 16 })),
      gpuCount: Type.Optional(Type.Integer({ minimum: 0, maximum: 64 })),
    }),
  ),
  stoppingCondition: Type.Optional(
    StrictObject({ maxRuntimeInSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 28 * 86400 })) }),
  ),
  environment: Type.Optional(
    Type.Record(
      Type.String({ maxLength: 512, pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' }),
      Type.String({ maxLength: 512 }),
    ),
  ),
  tags: Type.Optional(Tags),
  /**
   * Experiment tracking (issue 6, SageMaker's ExperimentConfig): the run this job creates or joins.
   * Without it the job records a run named after itself in the Default experiment.
   */
  experimentConfig: Type.Optional(
    StrictObject({ experimentName: ResourceName, runName: Type.Optional(ResourceName) }),
  ),
});
export type TrainingJobSpec = Static<typeof TrainingJobSpecSchema>;

export const trainingJobStatuses = ['InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped'] as const;
export type TrainingJobStatusName = (typeof trainingJobStatuses)[number];
export const terminalStatuses: readonly TrainingJobStatusName[] = ['Completed', 'Failed', 'Stopped'];

export const secondaryStatuses = [
  'Starting',
  'Pending',
  'Downloading',
  'Training',
  'Uploading',
  'Stopping',
  'Stopped',
  'MaxRuntimeExceeded',
  'Completed',
  'Failed',
] as const;
export type SecondaryStatus = (typeof secondaryStatuses)[number];

export interface StatusTransition {
  status: SecondaryStatus;
  startTime: number;
  endTime?: number;
  statusMessage: string;
}

export interface TrainingJobStatus {
  trainingJobStatus: TrainingJobStatusName;
  secondaryStatus: SecondaryStatus;
  secondaryStatusTransitions: StatusTransition[];
  failureReason?: string;
  trainingStartTime?: number;
  trainingEndTime?: number;
  billableTimeInSeconds?: number;
  modelArtifacts?: { s3ModelArtifacts: string; sha256: string; size: number };
  outputDataArtifacts?: { s3Uri: string; sha256: string; size: number };
  finalMetricDataList: Array<{ metricName: string; value: number; timestamp: number }>;
  /** Where and how it runs, so a restarted Slipway can re-attach or clean up. */
  execution?: { runtime: string; runId: string; owner: string; pid?: number; gpus: number[] };
  exitCode?: number | null;
  /** Why a stop was asked for: by a user, by the max-runtime limit, or by Slipway shutting down. */
  stopReason?: 'user' | 'max-runtime' | 'shutdown';
}
