/**
 * The workflow SDK, in the spirit of the AWS Step Functions Data Science SDK: steps, chains,
 * retry/catch, execution-input placeholders, Workflow (definition, CloudFormation, graph, and
 * create/update/execute through the REST API) and pipeline templates.
 */
export { Chain } from './chain.ts';
export { ChoiceRule } from './choice-rule.ts';
export { toCloudFormationTemplate } from './cloudformation.ts';
export {
  buildGraph,
  type StateFailure,
  type StateStatus,
  stateFailures,
  stateStatuses,
} from './graph-model.ts';
export { ExecutionInput, ExecutionName, Placeholder, StepInput } from './placeholders.ts';
export { renderMermaid } from './render-mermaid.ts';
export { renderSvg } from './render-svg.ts';
export { Catch, Retry } from './retry-catch.ts';
export { Choice } from './steps/choice.ts';
export { Fail, type FailOptions, failWithCaughtError } from './steps/fail.ts';
export {
  EndpointConfigStep,
  EndpointStep,
  ModelPackageStep,
  ModelStep,
  ProcessingStep,
  TransformStep,
} from './steps/hosting-steps.ts';
export { LambdaStep } from './steps/lambda-step.ts';
export { MapState, MapState as Map } from './steps/map.ts';
export { Parallel } from './steps/parallel.ts';
export { Pass } from './steps/pass.ts';
export { Step } from './steps/step.ts';
export { Succeed } from './steps/succeed.ts';
export { Task } from './steps/task.ts';
export { type EstimatorLike, TrainingStep } from './steps/training-step.ts';
export { Wait } from './steps/wait.ts';
export { InferencePipeline } from './templates/inference-pipeline.ts';
export { TrainingPipeline } from './templates/training-pipeline.ts';
export { Workflow, WorkflowExecution } from './workflow.ts';
