/**
 * InferencePipeline: train, then create a model from the artifacts, an endpoint configuration and
 * an endpoint; each step retries and catches into a Fail state. The hosting integrations
 * (createModel, createEndpointConfig, createEndpoint) are registered by the hosting domain.
 */
import { Chain } from '../chain.ts';
import { ExecutionInput, Placeholder } from '../placeholders.ts';
import { Catch, Retry } from '../retry-catch.ts';
import { failWithCaughtError } from '../steps/fail.ts';
import { EndpointConfigStep, EndpointStep, ModelStep } from '../steps/hosting-steps.ts';
import type { Step } from '../steps/step.ts';
import { type EstimatorLike, TrainingStep } from '../steps/training-step.ts';
import { Workflow } from '../workflow.ts';

export interface InferencePipelineOptions {
  name: string;
  estimator: EstimatorLike;
  inputs: Record<string, string>;
  /** The serving image (or the process runtime's default when omitted). */
  image?: string;
  instanceType?: string;
  role?: string;
}

export class InferencePipeline extends Workflow {
  static readonly executionInput = () =>
    new ExecutionInput({ schema: { JobName: 'string', ModelName: 'string', EndpointName: 'string' } });

  constructor(options: InferencePipelineOptions) {
    const input = InferencePipeline.executionInput();
    const failed = failWithCaughtError();
    const guarded = <T extends Step>(step: T): T =>
      step
        .addRetry(
          new Retry({
            errorEquals: ['States.TaskFailed'],
            maxAttempts: 2,
            intervalSeconds: 5,
            backoffRate: 2,
          }),
        )
        .addCatch(new Catch({ errorEquals: ['States.ALL'], next: failed, resultPath: '$.error' }));
    const train = guarded(
      new TrainingStep('Train', {
        estimator: { ...options.estimator, role: options.estimator.role ?? options.role },
        jobName: input.JobName as Placeholder,
        data: options.inputs,
        resultPath: '$.train',
      }),
    );
    const model = guarded(
      new ModelStep('CreateModel', {
        modelName: input.ModelName as Placeholder,
        modelDataUrl: new Placeholder('$.train.ModelArtifacts.S3ModelArtifacts'),
        image: options.image,
        role: options.role,
        resultPath: '$.model',
      }),
    );
    const config = guarded(
      new EndpointConfigStep('CreateEndpointConfig', {
        endpointConfigName: input.ModelName as Placeholder,
        modelName: input.ModelName as Placeholder,
        instanceType: options.instanceType,
        resultPath: '$.endpointConfig',
      }),
    );
    const endpoint = guarded(
      new EndpointStep('CreateEndpoint', {
        endpointName: input.EndpointName as Placeholder,
        endpointConfigName: input.ModelName as Placeholder,
        resultPath: '$.endpoint',
      }),
    );
    super({
      name: options.name,
      definition: Chain.of(train, model, config, endpoint),
      role: options.role,
      executionInput: input,
      description: 'Slipway InferencePipeline template',
    });
  }
}
