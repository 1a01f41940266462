/**
 * A retraining pipeline written with Slipway's workflow SDK: check the data (a function), train,
 * and accept the model only when its accuracy clears a bar. Every task retries transient failures
 * and catches the rest into a Fail state.
 *
 *   slipway workflows deploy examples/pipelines/retrain/pipeline.ts
 *   slipway workflows start penguins-retrain --input '{"JobName":"retrain-1","DataUri":"file:///…/data/"}' --watch
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  Catch,
  Chain,
  Choice,
  ChoiceRule,
  ExecutionInput,
  Fail,
  failWithCaughtError,
  LambdaStep,
  type Placeholder,
  Retry,
  Succeed,
  TrainingStep,
  Workflow,
} from '../../../src/workflows/sdk/index.ts';

const input = new ExecutionInput({ schema: { JobName: 'string', DataUri: 'string' } });
const failed = failWithCaughtError();
const retry = () =>
  new Retry({ errorEquals: ['States.TaskFailed'], intervalSeconds: 1, maxAttempts: 2, backoffRate: 2 });
const catchAll = () => new Catch({ errorEquals: ['States.ALL'], next: failed, resultPath: '$.error' });

const checkData = new LambdaStep('CheckData', {
  functionName: 'count-rows',
  payload: { dataUri: input.DataUri as Placeholder },
  resultSelector: { 'rows.$': '$.Payload.rows' },
  resultPath: '$.data',
})
  .addRetry(retry())
  .addCatch(catchAll());

const train = new TrainingStep('Train', {
  estimator: {
    entryPoint: 'train.mjs',
    sourceDir: pathToFileURL(join(import.meta.dirname, 'code')).href,
    metricDefinitions: [{ name: 'accuracy', regex: 'accuracy=([0-9.]+)' }],
    role: 'arn:aws:iam::123456789012:role/SageMakerExecution',
  },
  jobName: input.JobName as Placeholder,
  data: { train: input.DataUri as Placeholder },
  resultSelector: {
    'model.$': '$.ModelArtifacts.S3ModelArtifacts',
    'accuracy.$': '$.FinalMetricDataList[0].Value',
  },
  resultPath: '$.train',
})
  .addRetry(retry())
  .addCatch(catchAll());

const evaluate = new Choice('Evaluate')
  .addChoice(ChoiceRule.numericGreaterThanEquals('$.train.accuracy', 0.4), new Succeed('Accepted'))
  .default(new Fail('Rejected', { error: 'Model.BelowBar', cause: 'accuracy under 0.4' }));

export default new Workflow({
  name: 'penguins-retrain',
  description: 'check data, train, accept above an accuracy bar',
  role: 'arn:aws:iam::123456789012:role/SlipwayPipelines',
  executionInput: input,
  definition: Chain.of(checkData, train, evaluate),
});
