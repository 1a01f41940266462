/**
 * Model registry resources, after SageMaker's model package groups and versioned model packages,
 * with Slipway's own required metrics (the approval gate) and aliases.
 */

import { ResourceName, type Static, StrictObject, Tags, Type } from '../core/schema.ts';
import { ModelSpecSchema, servingTypes } from '../hosting/types.ts';

export const groupKind = 'model-package-group';
export const packageKind = 'model-package';

export const approvalStatuses = ['PendingManualApproval', 'Approved', 'Rejected'] as const;
export type ApprovalStatus = (typeof approvalStatuses)[number];

const MetricName = Type.String({ minLength: 1, maxLength: 250 });

export const MetricBoundSchema = StrictObject(
  { min: Type.Optional(Type.Number()), max: Type.Optional(Type.Number()) },
  { description: 'the metric must be present and within [min, max] for a version to be approved' },
);

export const GroupSpecSchema = StrictObject({
  modelPackageGroupName: ResourceName,
  description: Type.Optional(Type.String({ maxLength: 4000 })),
  /** e.g. `{ "test:accuracy": { "min": 0.9 } }`. */
  requiredMetrics: Type.Optional(Type.Record(MetricName, MetricBoundSchema, { maxProperties: 50 })),
  tags: Type.Optional(Tags),
});
export type GroupSpec = Static<typeof GroupSpecSchema>;

export const UpdateGroupSchema = StrictObject({
  description: Type.Optional(Type.String({ maxLength: 4000 })),
  requiredMetrics: Type.Optional(Type.Record(MetricName, MetricBoundSchema, { maxProperties: 50 })),
});

export interface GroupStatus {
  latestVersion: number;
  /** Alias → version. */
  aliases: Record<string, number>;
}

/** The serving spec: hosting's ModelSpec container, so a version deploys as a model unchanged. */
export const InferenceSpecificationSchema = StrictObject({
  primaryContainer: ModelSpecSchema.properties.primaryContainer,
  servingType: Type.Optional(Type.Union(servingTypes.map((t) => Type.Literal(t)))),
});

export const RegisterRequestSchema = StrictObject({
  modelPackageGroupName: ResourceName,
  /** Fills the artifact, serving spec, metrics and run from a Completed training job. */
  trainingJobName: Type.Optional(ResourceName),
  runName: Type.Optional(ResourceName),
  inferenceSpecification: Type.Optional(InferenceSpecificationSchema),
  /**
   * Metric name → value, as the caller states them. Stored as declared: a training job's metric of
   * the same name keeps the job's value, and a declared value never satisfies a required metric.
   */
  metrics: Type.Optional(Type.Record(MetricName, Type.Number(), { maxProperties: 200 })),
  description: Type.Optional(Type.String({ maxLength: 4000 })),
  customMetadata: Type.Optional(
    Type.Record(Type.String({ minLength: 1, maxLength: 128 }), Type.String({ maxLength: 1024 }), {
      maxProperties: 50,
    }),
  ),
});
export type RegisterRequest = Static<typeof RegisterRequestSchema>;

/**
 * Where a version's metric value or serving spec came from: the training job it was registered
 * from, or what the registering caller typed. Only a measured metric (the job's final metrics)
 * satisfies a group's required metrics.
 */
export const sources = ['training-job', 'declared'] as const;
export type Source = (typeof sources)[number];

export interface PackageSpec {
  modelPackageGroupName: string;
  modelPackageVersion: number;
  inferenceSpecification: Static<typeof InferenceSpecificationSchema>;
  /** 'declared' when the caller gave the serving spec rather than the job's being used. */
  inferenceSpecificationSource?: Source;
  modelArtifact?: { uri: string; sha256?: string };
  /** The inference code (SAGEMAKER_SUBMIT_DIRECTORY) and its sha256 at registration, without incidental files. */
  code?: { uri: string; sha256: string };
  /** Name → value: the training job's where it has the metric, otherwise the declared one. */
  metrics: Record<string, number>;
  /**
   * Name → where the value in `metrics` came from. Absent on versions stored before sources were
   * kept: a value counts as the job's only if the job still reports it.
   */
  metricSources?: Record<string, Source>;
  /** Every value the caller declared, as given, including any a training job's value shadows. */
  declaredMetrics?: Record<string, number>;
  trainingJobName?: string;
  runName?: string;
  description?: string;
  customMetadata?: Record<string, string>;
}

export interface ApprovalEntry {
  status: ApprovalStatus;
  by: string;
  at: number;
  comment?: string;
}

export interface PackageStatus {
  modelApprovalStatus: ApprovalStatus;
  approvedBy?: string;
  approvedAt?: number;
  rejectedBy?: string;
  rejectedAt?: number;
  history: ApprovalEntry[];
}

export const DecisionSchema = StrictObject({ comment: Type.Optional(Type.String({ maxLength: 2000 })) });

export const aliasPattern = '^[a-z][a-z0-9-]{0,62}$';
export const AliasRequestSchema = StrictObject({ version: Type.Integer({ minimum: 1 }) });
