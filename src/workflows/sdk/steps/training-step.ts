/**
 * TrainingStep: `sagemaker:createTrainingJob.sync` (or request-response with `wait: false`), its
 * request built from an estimator-like object as the Data Science SDK's TrainingStep does.
 */
import { Placeholder } from '../placeholders.ts';
import type { DataFlowFields } from './step.ts';
import { Task } from './task.ts';

export interface EstimatorLike {
  /** Script mode: the entry point inside `sourceDir` (a folder or sourcedir.tar.gz URI). */
  entryPoint?: string;
  sourceDir?: string;
  /** Or a built-in algorithm, or a container image, or a command. */
  algorithmName?: string;
  image?: string;
  command?: string[];
  hyperparameters?: Record<string, string | number | boolean>;
  metricDefinitions?: Array<{ name: string; regex: string }>;
  instanceType?: string;
  instanceCount?: number;
  volumeSizeInGb?: number;
  maxRunSeconds?: number;
  outputPath?: string;
  role?: string;
  environment?: Record<string, string>;
}

export interface TrainingStepOptions extends DataFlowFields {
  estimator: EstimatorLike;
  jobName: string | Placeholder;
  /** Channel name → data URI (or a placeholder for one). */
  data?: Record<string, string | Placeholder>;
  /** Wait for the job to end (`.sync`); default true. */
  wait?: boolean;
}

export function trainingRequest(options: TrainingStepOptions): Record<string, unknown> {
  const e = options.estimator;
  const hyperParameters: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(e.hyperparameters ?? {})) hyperParameters[key] = String(value);
  if (e.entryPoint) {
    hyperParameters.sagemaker_program = e.entryPoint;
    if (!e.sourceDir) throw new Error('TrainingStep: an estimator with entryPoint needs sourceDir');
    hyperParameters.sagemaker_submit_directory = e.sourceDir;
  }
  const algorithm: Record<string, unknown> = { TrainingInputMode: 'File' };
  if (e.image) algorithm.TrainingImage = e.image;
  if (e.algorithmName) algorithm.AlgorithmName = e.algorithmName;
  if (e.command) algorithm.ContainerEntrypoint = e.command;
  if (e.metricDefinitions)
    algorithm.MetricDefinitions = e.metricDefinitions.map((m) => ({ Name: m.name, Regex: m.regex }));
  const request: Record<string, unknown> = {
    TrainingJobName: options.jobName,
    AlgorithmSpecification: algorithm,
  };
  if (Object.keys(hyperParameters).length > 0) request.HyperParameters = hyperParameters;
  if (options.data)
    request.InputDataConfig = Object.entries(options.data).map(([channel, uri]) => ({
      ChannelName: channel,
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: uri } },
    }));
  if (e.outputPath) request.OutputDataConfig = { S3OutputPath: e.outputPath };
  const resources: Record<string, unknown> = {};
  if (e.instanceCount !== undefined) resources.InstanceCount = e.instanceCount;
  if (e.instanceType !== undefined) resources.InstanceType = e.instanceType;
  if (e.volumeSizeInGb !== undefined) resources.VolumeSizeInGB = e.volumeSizeInGb;
  if (Object.keys(resources).length > 0) request.ResourceConfig = resources;
  if (e.maxRunSeconds !== undefined) request.StoppingCondition = { MaxRuntimeInSeconds: e.maxRunSeconds };
  if (e.role) request.RoleArn = e.role;
  if (e.environment) request.Environment = e.environment;
  return request;
}

export class TrainingStep extends Task {
  constructor(stateId: string, options: TrainingStepOptions) {
    super(stateId, {
      ...options,
      resource: `arn:aws:states:::sagemaker:createTrainingJob${options.wait === false ? '' : '.sync'}`,
      parameters: { ...trainingRequest(options), ...options.parameters },
    });
  }

  /** The trained model's URI in this step's output (when its ResultPath is the default). */
  modelData(resultPath = '$'): Placeholder {
    return new Placeholder(`${resultPath}['ModelArtifacts']['S3ModelArtifacts']`);
  }
}
