/**
 * Deploy in one step, as `estimator.deploy()` does: from a completed training job to an endpoint
 * serving its model. The model is served the way it was trained: a built-in algorithm's ONNX
 * in-process, a script-mode job through its own inference handlers (the same entry point and
 * source), an image job by the same image. An existing endpoint is moved to the new config.
 */
import { invalid } from '../core/errors.ts';
import { ResourceName, StrictObject, Type, validate } from '../core/schema.ts';
import { scriptProgram, submitDirectory } from '../training/command.ts';
import type { TrainingService } from '../training/service.ts';
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
    const stamp = Date.now().toString(36);
    const modelName = truncateName(`${job.name}-${stamp}`);
    const modelData = job.status.modelArtifacts.s3ModelArtifacts;
    const algorithm = job.spec.algorithmSpecification;
    const program = scriptProgram(job.spec);
    let primaryContainer: ModelSpec['primaryContainer'];
    if (algorithm.algorithmName) {
      primaryContainer = { modelDataUrl: modelData, environment: request.environment };
    } else if (program && !algorithm.trainingImage) {
      primaryContainer = {
        modelDataUrl: modelData,
        environment: {
          ...request.environment,
          SAGEMAKER_PROGRAM: program,
          ...(submitDirectory(job.spec) ? { SAGEMAKER_SUBMIT_DIRECTORY: submitDirectory(job.spec)! } : {}),
        },
      };
    } else if (algorithm.trainingImage) {
      primaryContainer = {
        image: algorithm.trainingImage,
        modelDataUrl: modelData,
        environment: request.environment,
      };
    } else {
      throw invalid(
        'trainingJobName',
        `training job "${job.name}" ran a custom command; create a model for it with POST /api/v1/models`,
      );
    }
    await this.deps.models.create({
      spec: { modelName, primaryContainer, tags: [{ key: 'trainingJobName', value: job.name }] },
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

/** Keeps generated names within SageMaker's 63 characters, ending in an alphanumeric. */
function truncateName(name: string): string {
  return name.length <= 63 ? name : name.slice(name.length - 63).replace(/^-+/, '');
}
