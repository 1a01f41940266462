/**
 * Experiments and runs: the request schemas (TypeBox: one source for validation, types and
 * OpenAPI) and the shape a run records.
 */
import { ResourceName, type Static, StrictObject, Type } from '../core/schema.ts';

export const experimentKind = 'experiment';
/** Where training jobs without an experimentConfig record their runs (MLflow's "Default"). */
export const defaultExperiment = 'Default';

export const runStatuses = ['Running', 'Completed', 'Failed', 'Stopped'] as const;
export type RunStatus = (typeof runStatuses)[number];
export const endStatuses = ['Completed', 'Failed', 'Stopped'] as const;

const Key = Type.String({ minLength: 1, maxLength: 250, pattern: '^[^\\s`\'"]+$' });
const StringMap = Type.Record(
  Type.String({ minLength: 1, maxLength: 250 }),
  Type.String({ maxLength: 6000 }),
  {
    maxProperties: 1000,
  },
);

export const ExperimentSpecSchema = StrictObject({
  experimentName: ResourceName,
  description: Type.Optional(Type.String({ maxLength: 4000 })),
  tags: Type.Optional(StringMap),
});
export type ExperimentSpec = Static<typeof ExperimentSpecSchema>;

/** A point as clients send it; timestamp in epoch ms or ISO-8601, default now; step default 0. */
export const MetricPointSchema = StrictObject({
  name: Key,
  value: Type.Number(),
  step: Type.Optional(Type.Integer({ minimum: 0 })),
  timestamp: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.String({ maxLength: 40 })])),
});
export type MetricPointInput = Static<typeof MetricPointSchema>;

export const LogBatchSchema = StrictObject({
  metrics: Type.Optional(Type.Array(MetricPointSchema, { maxItems: 100_000 })),
  params: Type.Optional(StringMap),
  tags: Type.Optional(StringMap),
});
export type LogBatch = Static<typeof LogBatchSchema>;

/** POST /runs/:name/metrics takes one point, or `{ metrics: [...] }`. */
export const LogMetricsSchema = Type.Union([
  MetricPointSchema,
  StrictObject({ metrics: Type.Array(MetricPointSchema, { minItems: 1, maxItems: 100_000 }) }),
]);

export const DataInputSchema = StrictObject({
  /** The channel (or any label) the data was read as. */
  name: Type.String({ minLength: 1, maxLength: 64 }),
  uri: Type.String({ minLength: 1, maxLength: 2048 }),
  /** Computed by Slipway when absent. */
  sha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
});
export type DataInput = Static<typeof DataInputSchema>;

export const CreateRunSchema = StrictObject({
  experimentName: ResourceName,
  runName: Type.Optional(ResourceName),
  params: Type.Optional(StringMap),
  tags: Type.Optional(StringMap),
  notes: Type.Optional(Type.String({ maxLength: 20_000 })),
  /** A code folder or archive URI to hash (git commit + dirty flag when it is a local checkout). */
  sourceUri: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
  inputData: Type.Optional(Type.Array(DataInputSchema, { maxItems: 50 })),
  environment: Type.Optional(Type.Record(Type.String({ maxLength: 128 }), Type.String({ maxLength: 2048 }))),
});
export type CreateRun = Static<typeof CreateRunSchema>;

export const EndRunSchema = StrictObject({
  status: Type.Optional(Type.Union(endStatuses.map((s) => Type.Literal(s)))),
});

export const UpdateRunSchema = StrictObject({
  notes: Type.Optional(Type.String({ maxLength: 20_000 })),
});

export interface SourceInfo {
  uri: string;
  /** Content hash: of the archive, or of the folder over its sorted relative paths and contents. */
  sha256: string;
  git?: { commit: string; dirty: boolean };
  /** sha256 of requirements.txt / package-lock.json found in the code, by file name. */
  lockFiles?: Record<string, string>;
}

export interface EnvironmentInfo {
  image?: string;
  command?: string[];
  runtime?: string;
  python?: string;
  node?: string;
  lockFiles?: Record<string, string>;
  [key: string]: unknown;
}

export interface ArtifactInfo {
  path: string;
  uri: string;
  sha256: string;
  size: number;
}

/** What a run keeps besides its searchable columns (the `record` JSON column). */
export interface RunRecordData {
  notes?: string;
  source?: SourceInfo;
  inputData?: Array<Required<DataInput>>;
  environment?: EnvironmentInfo;
  artifacts?: ArtifactInfo[];
  /** The training job spec as it ran, so `reproduce` can re-create it. */
  trainingJobSpec?: Record<string, unknown>;
  modelArtifact?: { uri: string; sha256: string };
  failureReason?: string;
}

export interface Run {
  runName: string;
  experimentName: string;
  status: RunStatus;
  trainingJobName?: string;
  startTime: number;
  endTime?: number;
  createdAt: number;
  updatedAt: number;
  data: RunRecordData;
}
