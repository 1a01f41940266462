/**
 * Hosting resources, mirroring SageMaker's CreateModel / CreateEndpointConfig / CreateEndpoint in
 * camelCase. How a model is served is Slipway's own field, `servingType`, derived when absent.
 */
import { ResourceName, type Static, StrictObject, Tags, Type } from '../core/schema.ts';

const Uri = Type.String({ minLength: 1, maxLength: 2048 });
const EnvironmentMap = Type.Record(
  Type.String({ maxLength: 1024, pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' }),
  Type.String({ maxLength: 1024 }),
);

export const servingTypes = ['onnx', 'python', 'container'] as const;
export type ServingType = (typeof servingTypes)[number];

export const ModelSpecSchema = StrictObject({
  modelName: ResourceName,
  primaryContainer: StrictObject({
    /** A container image implementing the inference contract (docker runtime). */
    image: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    /** model.tar.gz (or a .onnx file) to unpack into /opt/ml/model. */
    modelDataUrl: Type.Optional(Uri),
    environment: Type.Optional(EnvironmentMap),
    /** A host command implementing the inference contract (process runtime), instead of an image. */
    command: Type.Optional(Type.Array(Type.String({ maxLength: 1024 }), { minItems: 1, maxItems: 100 })),
  }),
  /**
   * onnx: served in-process by ONNX Runtime; python: the user's model_fn/input_fn/predict_fn/output_fn
   * (SAGEMAKER_PROGRAM) through Slipway's handler server; container: an image or command.
   */
  servingType: Type.Optional(Type.Union(servingTypes.map((t) => Type.Literal(t)))),
  executionRoleArn: Type.Optional(Type.String({ maxLength: 2048 })),
  tags: Type.Optional(Tags),
});
export type ModelSpec = Static<typeof ModelSpecSchema>;

export const AutoScalingSchema = StrictObject({
  minInstanceCount: Type.Integer({ minimum: 1, maximum: 100 }),
  maxInstanceCount: Type.Integer({ minimum: 1, maximum: 100 }),
  /** Target-tracking: invocations per instance per minute (SageMakerVariantInvocationsPerInstance). */
  targetInvocationsPerInstance: Type.Number({ exclusiveMinimum: 0 }),
  scaleOutCooldownSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })),
  scaleInCooldownSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })),
  /** How often the load is measured and a decision taken (CloudWatch's period; default 60). */
  evaluationPeriodSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
});
export type AutoScalingSpec = Static<typeof AutoScalingSchema>;

export const ProductionVariantSchema = StrictObject({
  variantName: ResourceName,
  modelName: ResourceName,
  initialInstanceCount: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  initialVariantWeight: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
  instanceType: Type.Optional(Type.String({ maxLength: 64 })),
  autoScaling: Type.Optional(AutoScalingSchema),
});

export const DataCaptureConfigSchema = StrictObject({
  enableCapture: Type.Optional(Type.Boolean()),
  initialSamplingPercentage: Type.Integer({ minimum: 0, maximum: 100 }),
  destinationS3Uri: Uri,
  captureOptions: Type.Array(
    StrictObject({ captureMode: Type.Union([Type.Literal('Input'), Type.Literal('Output')]) }),
    {
      minItems: 1,
      maxItems: 2,
    },
  ),
  captureContentTypeHeader: Type.Optional(
    StrictObject({
      csvContentTypes: Type.Optional(Type.Array(Type.String(), { maxItems: 10 })),
      jsonContentTypes: Type.Optional(Type.Array(Type.String(), { maxItems: 10 })),
    }),
  ),
  /** How often capture files are rotated (SageMaker writes hourly folders; files roll faster). */
  rotationSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
});

export const EndpointConfigSpecSchema = StrictObject({
  endpointConfigName: ResourceName,
  productionVariants: Type.Array(ProductionVariantSchema, { minItems: 1, maxItems: 10 }),
  dataCaptureConfig: Type.Optional(DataCaptureConfigSchema),
  tags: Type.Optional(Tags),
});
export type EndpointConfigSpec = Static<typeof EndpointConfigSpecSchema>;
export type ProductionVariantSpec = Static<typeof ProductionVariantSchema>;
export type DataCaptureConfig = Static<typeof DataCaptureConfigSchema>;

export const EndpointSpecSchema = StrictObject({
  endpointName: ResourceName,
  endpointConfigName: ResourceName,
  tags: Type.Optional(Tags),
});
export type EndpointSpec = Static<typeof EndpointSpecSchema> & {
  /** Weights and counts set by UpdateEndpointWeightsAndCapacities or the autoscaler, by variant. */
  desired?: Record<string, { weight?: number; instanceCount?: number }>;
};

export const endpointStatuses = [
  'Creating',
  'InService',
  'Updating',
  'Failed',
  'Deleting',
  'SystemUpdating',
] as const;
export type EndpointStatusName = (typeof endpointStatuses)[number];

export interface InstanceStatus {
  id: string;
  status: 'Starting' | 'Healthy' | 'Unhealthy' | 'Stopped';
  startedAt: number;
  restarts: number;
  lastFailure?: string;
}

export interface VariantStatus {
  variantName: string;
  modelName: string;
  currentWeight: number;
  desiredWeight: number;
  currentInstanceCount: number;
  desiredInstanceCount: number;
  instances: InstanceStatus[];
}

export interface EndpointStatus {
  endpointStatus: EndpointStatusName;
  failureReason?: string;
  productionVariants: VariantStatus[];
  /** The config currently serving (differs from spec.endpointConfigName during an update). */
  currentEndpointConfigName?: string;
  lastScaling?: Record<string, { at: number; from: number; to: number; reason: string }>;
}
