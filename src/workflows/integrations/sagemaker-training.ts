/**
 * `arn:aws:states:::sagemaker:createTrainingJob` (request-response: answers with the job's ARN)
 * and `.sync` (waits for the job's end and answers with DescribeTrainingJob in PascalCase, as Step
 * Functions does). Parameters may be PascalCase (the Step Functions form) or camelCase. A failed or
 * stopped job fails the task with States.TaskFailed; stopping the execution stops the job.
 */
import { CoreErrors, isSlipwayError } from '../../core/errors.ts';
import type { EventBus } from '../../core/events.ts';
import { describeTrainingJob, type TrainingJobRecord, type TrainingService } from '../../training/service.ts';
import { type Json, TaskError, type TaskRequest } from '../asl/index.ts';
import { isAbandoned } from './abandon.ts';
import { toCamelKeys, toPascalKeys } from './case-keys.ts';
import type { IntegrationHandler } from './registry.ts';
import { waitUntil } from './wait-until.ts';

export const createTrainingJobResource = 'arn:aws:states:::sagemaker:createTrainingJob';

/** SageMaker request fields that have no meaning on Slipway and are accepted and dropped. */
const ignored = [
  'roleArn',
  'enableNetworkIsolation',
  'enableInterContainerTrafficEncryption',
  'enableManagedSpotTraining',
  'vpcConfig',
  'checkpointConfig',
  'debugHookConfig',
  'profilerConfig',
];

/** Tags the job with the execution that created it, so a re-invoked task re-attaches to it. */
const executionTag = 'slipway:execution';

function trainingSpec(parameters: Json, execution: string): Record<string, unknown> {
  if (!parameters || typeof parameters !== 'object' || Array.isArray(parameters))
    throw new TaskError('States.Runtime', 'createTrainingJob: Parameters must be an object');
  const spec = toCamelKeys(parameters) as Record<string, any>;
  for (const field of ignored) delete spec[field];
  spec.tags = [...(spec.tags ?? []), { key: executionTag, value: execution }];
  return spec;
}

export function describedPascal(record: TrainingJobRecord): Json {
  const { tags, ...described } = describeTrainingJob(record) as Record<string, unknown>;
  return toPascalKeys(JSON.parse(JSON.stringify(described)) as Json);
}

export function sagemakerTrainingIntegration(deps: {
  training: TrainingService;
  events: EventBus;
  pollMs?: number;
}): IntegrationHandler {
  const create = async (request: TaskRequest): Promise<TrainingJobRecord> => {
    const spec = trainingSpec(request.parameters, request.execution.name);
    try {
      return await deps.training.create({ spec });
    } catch (error) {
      if (isSlipwayError(error) && error.code === CoreErrors.alreadyExists.code) {
        // The task was started before a restart: carry on with the job it created.
        const existing = await deps.training.get(String(spec.trainingJobName));
        if (existing.spec.tags?.some((t) => t.key === executionTag && t.value === request.execution.name))
          return existing;
      }
      if (isSlipwayError(error))
        throw new TaskError(
          error.kind === 'validation' ? 'SageMaker.ValidationException' : 'SageMaker.ResourceInUse',
          error.message,
        );
      throw error;
    }
  };
  return {
    async run(request) {
      const record = await create(request);
      return { TrainingJobArn: record.arn };
    },
    async sync(request) {
      const record = await create(request);
      const name = record.name;
      const onAbort = () => {
        if (isAbandoned(request.signal)) return;
        void deps.training.stop(name).catch(() => {});
      };
      request.signal.addEventListener('abort', onAbort, { once: true });
      try {
        const done = await waitUntil({
          check: async () => {
            const current = await deps.training.get(name);
            return deps.training.isTerminal(current) ? current : undefined;
          },
          events: deps.events,
          pattern: 'training-job.*',
          signal: request.signal,
          intervalMs: deps.pollMs,
        });
        const described = describedPascal(done);
        if (done.status.trainingJobStatus !== 'Completed')
          throw new TaskError('States.TaskFailed', JSON.stringify(described));
        return described;
      } finally {
        request.signal.removeEventListener('abort', onAbort);
      }
    },
    check(parameters, field) {
      if (parameters !== undefined && (typeof parameters !== 'object' || Array.isArray(parameters)))
        throw CoreErrors.validation({ field, reason: 'must be an object (the CreateTrainingJob request)' });
    },
  };
}
