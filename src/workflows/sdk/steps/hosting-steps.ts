/**
 * Hosting and batch steps (createModel, createEndpointConfig, createEndpoint / updateEndpoint,
 * createTransformJob.sync, createProcessingJob.sync), with SageMaker's PascalCase requests. Their
 * integrations are registered by the hosting and processing domains.
 */
import type { Placeholder } from '../placeholders.ts';
import type { DataFlowFields } from './step.ts';
import { Task } from './task.ts';

const sagemaker = (action: string) => `arn:aws:states:::sagemaker:${action}`;

export class ModelStep extends Task {
  constructor(
    stateId: string,
    options: DataFlowFields & {
      modelName: string | Placeholder;
      modelDataUrl?: string | Placeholder;
      image?: string;
      environment?: Record<string, string>;
      role?: string;
    },
  ) {
    const container: Record<string, unknown> = {};
    if (options.image) container.Image = options.image;
    if (options.modelDataUrl) container.ModelDataUrl = options.modelDataUrl;
    if (options.environment) container.Environment = options.environment;
    super(stateId, {
      ...options,
      resource: sagemaker('createModel'),
      parameters: {
        ModelName: options.modelName,
        PrimaryContainer: container,
        ...(options.role ? { ExecutionRoleArn: options.role } : {}),
        ...options.parameters,
      },
    });
  }
}

export class EndpointConfigStep extends Task {
  constructor(
    stateId: string,
    options: DataFlowFields & {
      endpointConfigName: string | Placeholder;
      modelName: string | Placeholder;
      initialInstanceCount?: number;
      instanceType?: string;
      variantName?: string;
    },
  ) {
    super(stateId, {
      ...options,
      resource: sagemaker('createEndpointConfig'),
      parameters: {
        EndpointConfigName: options.endpointConfigName,
        ProductionVariants: [
          {
            VariantName: options.variantName ?? 'AllTraffic',
            ModelName: options.modelName,
            InitialInstanceCount: options.initialInstanceCount ?? 1,
            InstanceType: options.instanceType ?? 'ml.m5.large',
            InitialVariantWeight: 1,
          },
        ],
        ...options.parameters,
      },
    });
  }
}

export class EndpointStep extends Task {
  constructor(
    stateId: string,
    options: DataFlowFields & {
      endpointName: string | Placeholder;
      endpointConfigName: string | Placeholder;
      /** updateEndpoint instead of createEndpoint. */
      update?: boolean;
      /** Wait until the endpoint is InService (`.sync`, a Slipway extension; Step Functions has none). */
      wait?: boolean;
    },
  ) {
    super(stateId, {
      ...options,
      resource: sagemaker(
        `${options.update ? 'updateEndpoint' : 'createEndpoint'}${options.wait ? '.sync' : ''}`,
      ),
      parameters: {
        EndpointName: options.endpointName,
        EndpointConfigName: options.endpointConfigName,
        ...options.parameters,
      },
    });
  }
}

/** A batch transform job; `parameters` is the CreateTransformJob request. */
export class TransformStep extends Task {
  constructor(
    stateId: string,
    options: DataFlowFields & { parameters: Record<string, unknown>; wait?: boolean },
  ) {
    super(stateId, {
      ...options,
      resource: sagemaker(`createTransformJob${options.wait === false ? '' : '.sync'}`),
    });
  }
}

/** A processing job; `parameters` is the CreateProcessingJob request. */
export class ProcessingStep extends Task {
  constructor(
    stateId: string,
    options: DataFlowFields & { parameters: Record<string, unknown>; wait?: boolean },
  ) {
    super(stateId, {
      ...options,
      resource: sagemaker(`createProcessingJob${options.wait === false ? '' : '.sync'}`),
    });
  }
}

/**
 * Registers a model version in a model package group from a Completed training job (its metrics,
 * artifact and hash come with it), PendingManualApproval: an approver approves it.
 */
export class ModelPackageStep extends Task {
  constructor(
    stateId: string,
    options: DataFlowFields & {
      modelPackageGroupName: string | Placeholder;
      trainingJobName: string | Placeholder;
      description?: string | Placeholder;
    },
  ) {
    super(stateId, {
      ...options,
      resource: 'arn:aws:states:::aws-sdk:sagemaker:createModelPackage',
      parameters: {
        ModelPackageGroupName: options.modelPackageGroupName,
        TrainingJobName: options.trainingJobName,
        ...(options.description ? { ModelPackageDescription: options.description } : {}),
        ...options.parameters,
      },
    });
  }
}
