/**
 * Deploy in one step, as `estimator.deploy()` does: from a completed training job to an endpoint
 * serving its model. The model is served the way it was trained: a built-in algorithm's ONNX
 * in-process, a script-mode job through its own inference handlers (the same entry point and
 * source), an image job by the same image. An existing endpoint is moved to the new config.
 */
import { invalid } from '../core/errors.ts';
import { ResourceName, StrictObject, Type, validate } from '../core/schema.ts';
import { scriptProgram, submitDirectory } from '../training/command.ts';
import type { TrainingJobRecord, TrainingService } from '../training/service.ts';
import type { EndpointConfigService } from './endpoint-configs.ts';
import type { EndpointRecord, EndpointService } from './endpoints.ts';
import type { ModelService } from './models.ts';
import type { ModelSpec } from './types.ts';

export const DeployRequestSchema = StrictObject({
  endpointName: ResourceName,
  initialInstanceCount: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  variantName: Type.Optional(ResourceName),
  environment: Type.Optional(Type.Record(Type.String(), Type.String())),
});

export class DeployService {
  constructor(
    private readonly deps: {
      models: ModelService;
      configs: EndpointConfigService;
      endpoints: EndpointService;
      training: TrainingService;
    },
  ) {}

  async fromTrainingJob(options: { trainingJobName: string; request: unknown }): Promise<EndpointRecord> {
    const request = validate(DeployRequestSchema, options.request);
    const job = await this.deps.training.get(options.trainingJobName);
    if (job.status.trainingJobStatus !== 'Completed' || !job.status.modelArtifacts) {
      throw invalid(
        'trainingJobName',
        `training job "${job.name}" is ${job.status.trainingJobStatus}; only a Completed job with a model can be deployed`,
      );
    }
    return this.deployContainer({
      baseName: job.name,
      primaryContainer: servingContainerOf(job, request.environment),
      modelDataSha256: job.status.modelArtifacts.sha256,
      tags: [{ key: 'trainingJobName', value: job.name }],
      request,
    });
  }

  /**
   * Creates a model for `primaryContainer`, a one-variant config and the endpoint (or moves an
   * existing endpoint to it). Shared by deploying a training job and a registry version (issue 6).
   */
  async deployContainer(options: {
    baseName: string;
    primaryContainer: ModelSpec['primaryContainer'];
    servingType?: ModelSpec['servingType'];
    /** The sha256 modelDataUrl must still have when an endpoint loads it. */
    modelDataSha256?: string;
    /** The sha256 SAGEMAKER_SUBMIT_DIRECTORY must still have (without incidental files). */
    codeSha256?: string;
    tags: Array<{ key: string; value: string }>;
    request: unknown;
  }): Promise<EndpointRecord> {
    const request = validate(DeployRequestSchema, options.request);
    const stamp = Date.now().toString(36);
    const modelName = truncateName(`${options.baseName}-${stamp}`);
    await this.deps.models.create({
      spec: {
        modelName,
        primaryContainer: options.primaryContainer,
        ...(options.servingType ? { servingType: options.servingType } : {}),
        tags: options.tags,
      },
      modelDataSha256: options.modelDataSha256,
      codeSha256: options.codeSha256,
    });
    const endpointConfigName = truncateName(`${request.endpointName}-${stamp}`);
    await this.deps.configs.create({
      spec: {
        endpointConfigName,
        productionVariants: [
          {
            variantName: request.variantName ?? 'AllTraffic',
            modelName,
            initialInstanceCount: request.initialInstanceCount ?? 1,
            initialVariantWeight: 1,
          },
        ],
      },
    });
    const existing = await this.deps.endpoints.get(request.endpointName).catch(() => undefined);
    if (existing) return this.deps.endpoints.update({ name: request.endpointName, endpointConfigName });
    return this.deps.endpoints.create({ spec: { endpointName: request.endpointName, endpointConfigName } });
  }
}

/**
 * How a completed job's model is served, the way it was trained: a built-in's ONNX in-process, a
 * script-mode job through its own handlers, an image job by its image. Exported for the registry,
 * which records this as a version's serving spec (issue 6).
 */
export function servingContainerOf(
  job: TrainingJobRecord,
  environment?: Record<string, string>,
): ModelSpec['primaryContainer'] {
  const modelData = job.status.modelArtifacts!.s3ModelArtifacts;
  const algorithm = job.spec.algorithmSpecification;
  const program = scriptProgram(job.spec);
  if (algorithm.algorithmName) return { modelDataUrl: modelData, environment };
  if (program && !algorithm.trainingImage) {
    return {
      modelDataUrl: modelData,
      environment: {
        ...environment,
        SAGEMAKER_PROGRAM: program,
        ...(submitDirectory(job.spec) ? { SAGEMAKER_SUBMIT_DIRECTORY: submitDirectory(job.spec)! } : {}),
      },
    };
  }
  if (algorithm.trainingImage)
    return { image: algorithm.trainingImage, modelDataUrl: modelData, environment };
  throw invalid(
    'trainingJobName',
    `training job "${job.name}" ran a custom command; create a model for it with POST /api/v1/models`,
  );
}

/** Keeps generated names within SageMaker's 63 characters, ending in an alphanumeric. */
function truncateName(name: string): string {
  return name.length <= 63 ? name : name.slice(name.length - 63).replace(/^-+/, '');
}
