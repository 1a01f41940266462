/**
 * TrainingPipeline: optional data preparation (a function), training, optional evaluation (a
 * function); every step retries transient failures and catches the rest into a Fail state. The
 * execution input carries the job name (`{ JobName }`), so each run trains a fresh job.
 */

import { Chain } from '../chain.ts';
import { ExecutionInput } from '../placeholders.ts';
import { Catch, Retry } from '../retry-catch.ts';
import { failWithCaughtError } from '../steps/fail.ts';
import { LambdaStep } from '../steps/lambda-step.ts';
import type { Step } from '../steps/step.ts';
import { Succeed } from '../steps/succeed.ts';
import { type EstimatorLike, TrainingStep } from '../steps/training-step.ts';
import { Workflow } from '../workflow.ts';

export interface TrainingPipelineOptions {
  name: string;
  estimator: EstimatorLike;
  /** Channel name → data URI. */
  inputs: Record<string, string>;
  /** A registered function run before training, with the execution input as payload. */
  prepareFunction?: string;
  /** A registered function run after training, with the training result as payload. */
  evaluateFunction?: string;
  role?: string;
  retry?: { maxAttempts?: number; intervalSeconds?: number };
}

export class TrainingPipeline extends Workflow {
  static readonly executionInput = () => new ExecutionInput({ schema: { JobName: 'string' } });

  constructor(options: TrainingPipelineOptions) {
    const input = TrainingPipeline.executionInput();
    const failed = failWithCaughtError();
    const guarded = <T extends Step>(step: T): T =>
      step
        .addRetry(
          new Retry({
            errorEquals: ['States.TaskFailed', 'States.Timeout'],
            maxAttempts: options.retry?.maxAttempts ?? 2,
            intervalSeconds: options.retry?.intervalSeconds ?? 5,
            backoffRate: 2,
          }),
        )
        .addCatch(new Catch({ errorEquals: ['States.ALL'], next: failed, resultPath: '$.error' }));
    const steps: Step[] = [];
    if (options.prepareFunction)
      steps.push(
        guarded(
          new LambdaStep('Prepare', {
            functionName: options.prepareFunction,
            payload: { jobName: input.JobName },
            resultPath: '$.prepare',
          }),
        ),
      );
    steps.push(
      guarded(
        new TrainingStep('Train', {
          estimator: { ...options.estimator, role: options.estimator.role ?? options.role },
          jobName: input.JobName as never,
          data: options.inputs,
          resultPath: '$.train',
        }),
      ),
    );
    if (options.evaluateFunction)
      steps.push(
        guarded(
          new LambdaStep('Evaluate', {
            functionName: options.evaluateFunction,
            parameters: { 'Payload.$': '$.train' },
            resultSelector: { 'result.$': '$.Payload' },
            resultPath: '$.evaluation',
          }),
        ),
      );
    steps.push(new Succeed('Done'));
    super({
      name: options.name,
      definition: Chain.of(...steps),
      role: options.role,
      executionInput: input,
      description: 'Slipway TrainingPipeline template',
    });
  }
}
