/**
 * The reference pipeline, written with Slipway's workflow SDK: prepare the penguins data → train the
 * walkthrough's scikit-learn script → evaluate (an accuracy bar) → register the model as a version
 * in a model package group (with the job's metrics, PendingManualApproval) → create a model served
 * by its own handlers → deploy it to an endpoint, or move the endpoint to it when it exists. Every
 * job, model and config is named after the execution, so the pipeline runs again and again (by
 * hand, on a schedule, on new data) without a name colliding. Every task retries transient
 * failures; the rest are caught into one Fail state that carries the step's own error and cause.
 *
 *   slipway registry create-group penguins-candidates
 *   slipway workflows deploy examples/pipelines/penguins/pipeline.ts     # also registers prepare-penguins
 *   slipway workflows start penguins-deploy --watch --input \
 *     '{"RawDataUri":"file:///…/penguins.csv","WorkUri":"file:///…/work","EndpointName":"penguins",
 *       "ModelPackageGroupName":"penguins-candidates"}'
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  Catch,
  Chain,
  Choice,
  ChoiceRule,
  EndpointConfigStep,
  EndpointStep,
  ExecutionInput,
  ExecutionName,
  Fail,
  failWithCaughtError,
  LambdaStep,
  ModelPackageStep,
  ModelStep,
  type Placeholder,
  Retry,
  StepInput,
  Succeed,
  TrainingStep,
  Workflow,
} from '../../../src/workflows/sdk/index.ts';

/** The accuracy on the held-out rows a model needs before it is deployed. */
export const accuracyBar = 0.85;

const input = new ExecutionInput({
  schema: {
    RawDataUri: 'string',
    WorkUri: 'string',
    EndpointName: 'string',
    ModelPackageGroupName: 'string',
  },
});
const state = new StepInput();
const code = pathToFileURL(join(import.meta.dirname, '..', '..', 'penguins', 'code')).href;

const failed = failWithCaughtError();
const retry = () =>
  new Retry({ errorEquals: ['States.TaskFailed'], intervalSeconds: 1, maxAttempts: 2, backoffRate: 2 });
const catchAll = () => new Catch({ errorEquals: ['States.ALL'], next: failed, resultPath: '$.error' });

const prepare = new LambdaStep('Prepare', {
  functionName: 'prepare-penguins',
  payload: {
    inputUri: input.RawDataUri as Placeholder,
    outputUri: input.WorkUri as Placeholder,
    runName: ExecutionName,
  },
  resultSelector: { 'train.$': '$.Payload.train', 'test.$': '$.Payload.test', 'rows.$': '$.Payload.rows' },
  resultPath: '$.data',
})
  .addRetry(retry())
  .addCatch(catchAll());

const train = new TrainingStep('Train', {
  estimator: {
    entryPoint: 'train.py',
    sourceDir: code,
    hyperparameters: { C: 1.0 },
    metricDefinitions: [{ name: 'test:accuracy', regex: 'test:accuracy=([0-9.]+)' }],
  },
  jobName: ExecutionName,
  data: { train: (state.data as Placeholder).get('train'), test: (state.data as Placeholder).get('test') },
  resultSelector: {
    'model.$': '$.ModelArtifacts.S3ModelArtifacts',
    'accuracy.$': '$.FinalMetricDataList[0].Value',
  },
  resultPath: '$.train',
})
  .addRetry(retry())
  .addCatch(catchAll());

const register = new ModelPackageStep('Register', {
  modelPackageGroupName: input.ModelPackageGroupName as Placeholder,
  trainingJobName: ExecutionName,
  resultSelector: { 'version.$': '$.ModelPackageVersion', 'status.$': '$.ModelApprovalStatus' },
  resultPath: '$.registered',
})
  .addRetry(retry())
  .addCatch(catchAll());

const model = new ModelStep('CreateModel', {
  modelName: ExecutionName,
  modelDataUrl: (state.train as Placeholder).get('model'),
  environment: { SAGEMAKER_PROGRAM: 'train.py', SAGEMAKER_SUBMIT_DIRECTORY: code },
  resultPath: null,
})
  .addRetry(retry())
  .addCatch(catchAll());

const config = new EndpointConfigStep('CreateEndpointConfig', {
  endpointConfigName: ExecutionName,
  modelName: ExecutionName,
  resultPath: null,
})
  .addRetry(retry())
  .addCatch(catchAll());

const deployed = new Succeed('Deployed');

/** The endpoint exists already (an earlier run made it): move it to this run's config instead. */
const update = new EndpointStep('UpdateEndpoint', {
  endpointName: input.EndpointName as Placeholder,
  endpointConfigName: ExecutionName,
  update: true,
  wait: true,
  resultSelector: { 'status.$': '$.EndpointStatus' },
  resultPath: '$.endpoint',
})
  .addRetry(retry())
  .addCatch(catchAll());

const deploy = new EndpointStep('Deploy', {
  endpointName: input.EndpointName as Placeholder,
  endpointConfigName: ExecutionName,
  wait: true,
  resultSelector: { 'status.$': '$.EndpointStatus' },
  resultPath: '$.endpoint',
})
  .addRetry(retry())
  .addCatch(new Catch({ errorEquals: ['SageMaker.ResourceInUse'], next: update, resultPath: '$.created' }))
  .addCatch(catchAll());

update.next(deployed);
register.next(model).next(config).next(deploy).next(deployed);

const evaluate = new Choice('Evaluate')
  .addChoice(ChoiceRule.numericGreaterThanEquals('$.train.accuracy', accuracyBar), register)
  .default(
    new Fail('BelowBar', {
      error: 'Model.BelowBar',
      cause: `test accuracy under ${accuracyBar}: the endpoint keeps its model`,
    }),
  );

export default new Workflow({
  name: 'penguins-deploy',
  description: 'prepare → train → evaluate → register → create model → deploy or update, re-runnable',
  executionInput: input,
  definition: Chain.of(prepare, train, evaluate),
  functions: {
    'prepare-penguins': { module: join(import.meta.dirname, 'functions', 'prepare.ts') },
  },
});
