/**
 * The reference pipeline, written with Slipway's workflow SDK: prepare the penguins data → train the
 * walkthrough's scikit-learn script → create a model served by its own handlers → deploy it to an
 * endpoint. Every step retries transient failures and catches the rest into one Fail state.
 *
 *   slipway workflows deploy examples/pipelines/penguins/pipeline.ts
 *   slipway workflows start penguins-deploy --watch --input \
 *     '{"RunId":"r1","RawDataUri":"file:///…/penguins.csv","WorkUri":"file:///…/work","EndpointName":"penguins"}'
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  Catch,
  Chain,
  EndpointConfigStep,
  EndpointStep,
  ExecutionInput,
  failWithCaughtError,
  LambdaStep,
  ModelStep,
  type Placeholder,
  Retry,
  StepInput,
  Succeed,
  TrainingStep,
  Workflow,
} from '../../../src/workflows/sdk/index.ts';

const input = new ExecutionInput({
  schema: { RunId: 'string', RawDataUri: 'string', WorkUri: 'string', EndpointName: 'string' },
});
const state = new StepInput();
const code = pathToFileURL(join(import.meta.dirname, '..', '..', 'penguins', 'code')).href;

const failed = failWithCaughtError();
const retry = () =>
  new Retry({ errorEquals: ['States.TaskFailed'], intervalSeconds: 1, maxAttempts: 2, backoffRate: 2 });
const catchAll = () => new Catch({ errorEquals: ['States.ALL'], next: failed, resultPath: '$.error' });

const prepare = new LambdaStep('Prepare', {
  functionName: 'prepare-penguins',
  payload: { inputUri: input.RawDataUri as Placeholder, outputUri: input.WorkUri as Placeholder },
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
  jobName: input.RunId as Placeholder,
  data: { train: (state.data as Placeholder).get('train'), test: (state.data as Placeholder).get('test') },
  resultSelector: {
    'model.$': '$.ModelArtifacts.S3ModelArtifacts',
    'accuracy.$': '$.FinalMetricDataList[0].Value',
  },
  resultPath: '$.train',
})
  .addRetry(retry())
  .addCatch(catchAll());

const model = new ModelStep('CreateModel', {
  modelName: input.RunId as Placeholder,
  modelDataUrl: (state.train as Placeholder).get('model'),
  environment: { SAGEMAKER_PROGRAM: 'train.py', SAGEMAKER_SUBMIT_DIRECTORY: code },
  resultPath: null,
})
  .addRetry(retry())
  .addCatch(catchAll());

const config = new EndpointConfigStep('CreateEndpointConfig', {
  endpointConfigName: input.RunId as Placeholder,
  modelName: input.RunId as Placeholder,
  resultPath: null,
})
  .addRetry(retry())
  .addCatch(catchAll());

const deploy = new EndpointStep('Deploy', {
  endpointName: input.EndpointName as Placeholder,
  endpointConfigName: input.RunId as Placeholder,
  wait: true,
  resultSelector: { 'status.$': '$.EndpointStatus' },
  resultPath: '$.endpoint',
})
  .addRetry(retry())
  .addCatch(catchAll());

export default new Workflow({
  name: 'penguins-deploy',
  description: 'prepare → train → create model → deploy, each step with Retry and a Catch to a Fail state',
  executionInput: input,
  definition: Chain.of(prepare, train, model, config, deploy, new Succeed('Deployed')),
});
