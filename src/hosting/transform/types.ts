/** Batch transform jobs (SageMaker CreateTransformJob, camelCase). */
import { ResourceName, type Static, StrictObject, Tags, Type } from '../../core/schema.ts';

export const TransformJobSpecSchema = StrictObject({
  transformJobName: ResourceName,
  modelName: ResourceName,
  transformInput: StrictObject({
    dataSource: StrictObject({
      s3DataSource: StrictObject({
        s3Uri: Type.String({ minLength: 1, maxLength: 2048 }),
        s3DataType: Type.Optional(Type.Literal('S3Prefix')),
      }),
    }),
    contentType: Type.Optional(Type.String({ maxLength: 256 })),
    /** Line: each line is a record, batched; None: each file is one request. */
    splitType: Type.Optional(Type.Union([Type.Literal('Line'), Type.Literal('None')])),
  }),
  transformOutput: StrictObject({
    s3OutputPath: Type.String({ minLength: 1, maxLength: 2048 }),
    accept: Type.Optional(Type.String({ maxLength: 256 })),
    assembleWith: Type.Optional(Type.Union([Type.Literal('Line'), Type.Literal('None')])),
  }),
  transformResources: Type.Optional(
    StrictObject({ instanceCount: Type.Optional(Type.Integer({ minimum: 1, maximum: 16 })) }),
  ),
  batchStrategy: Type.Optional(Type.Union([Type.Literal('MultiRecord'), Type.Literal('SingleRecord')])),
  maxPayloadInMB: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  /** Records per request with MultiRecord (Slipway's own cap; payload size also bounds a batch). */
  maxRecordsPerBatch: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
  maxConcurrentTransforms: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
  dataProcessing: Type.Optional(
    StrictObject({ joinSource: Type.Optional(Type.Union([Type.Literal('Input'), Type.Literal('None')])) }),
  ),
  environment: Type.Optional(Type.Record(Type.String(), Type.String())),
  tags: Type.Optional(Tags),
});
export type TransformJobSpec = Static<typeof TransformJobSpecSchema>;

export type TransformJobStatusName = 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';

export interface TransformJobStatus {
  transformJobStatus: TransformJobStatusName;
  failureReason?: string;
  transformStartTime?: number;
  transformEndTime?: number;
  recordsProcessed: number;
  outputs: Array<{ uri: string; sha256: string; records: number }>;
}
