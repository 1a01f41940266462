/**
 * Hosting as Step Functions tasks: `sagemaker:createModel`, `createEndpointConfig`,
 * `createEndpoint` and `updateEndpoint` (request-response as in Step Functions; `.sync` also waits
 * until the endpoint is InService, a Slipway extension that saves a polling loop), and
 * `createTransformJob` (+ `.sync`). Parameters may be PascalCase or camelCase. Every resource is
 * tagged with the execution that created it, so a task re-invoked after a restart carries on with
 * what it created instead of failing on "already exists".
 */
import { CoreErrors, isSlipwayError } from '../../core/errors.ts';
import type { EventBus } from '../../core/events.ts';
import type { HostingModule } from '../../hosting/module.ts';
import type { ResourceRecord } from '../../store/store.ts';
import { type Json, TaskError, type TaskRequest } from '../asl/index.ts';
import { isAbandoned } from './abandon.ts';
import { toCamelKeys, toPascalKeys } from './case-keys.ts';
import type { IntegrationRegistry } from './registry.ts';
import { waitUntil } from './wait-until.ts';

const executionTag = 'slipway:execution';
const dropped = ['executionRoleArn', 'enableNetworkIsolation', 'vpcConfig', 'kmsKeyId', 'roleArn'];

type Tagged = { tags?: Array<{ key: string; value: string }> };

function specOf(request: TaskRequest, what: string): Record<string, any> {
  const parameters = request.parameters;
  if (!parameters || typeof parameters !== 'object' || Array.isArray(parameters)) {
    throw new TaskError('States.Runtime', `${what}: Parameters must be an object`);
  }
  const spec = toCamelKeys(parameters) as Record<string, any>;
  for (const field of dropped) delete spec[field];
  spec.tags = [...(spec.tags ?? []), { key: executionTag, value: request.execution.name }];
  return spec;
}

/** Creates, or after a restart finds what this execution already created. */
async function createOnce<R extends ResourceRecord<Tagged, unknown>>(
  request: TaskRequest,
  create: () => Promise<R>,
  find: () => Promise<R>,
): Promise<R> {
  try {
    return await create();
  } catch (error) {
    if (isSlipwayError(error) && error.code === CoreErrors.alreadyExists.code) {
      const existing = await find();
      if (existing.spec.tags?.some((t) => t.key === executionTag && t.value === request.execution.name))
        return existing;
    }
    if (isSlipwayError(error)) {
      throw new TaskError(
        error.kind === 'validation' ? 'SageMaker.ValidationException' : 'SageMaker.ResourceInUse',
        error.message,
      );
    }
    throw error;
  }
}

function objectCheck(what: string) {
  return (parameters: Json | undefined, field: string) => {
    if (
      parameters !== undefined &&
      (typeof parameters !== 'object' || Array.isArray(parameters) || parameters === null)
    ) {
      throw CoreErrors.validation({ field, reason: `must be an object (the ${what} request)` });
    }
  };
}

export function registerHostingIntegrations(
  registry: IntegrationRegistry,
  deps: { hosting: HostingModule; events: EventBus; pollMs?: number },
): void {
  const { hosting } = deps;
  const base = 'arn:aws:states:::sagemaker:';

  registry.register(`${base}createModel`, {
    async run(request) {
      const spec = specOf(request, 'createModel');
      const record = await createOnce(
        request,
        () => hosting.models.create({ spec }),
        () => hosting.models.get(spec.modelName),
      );
      return { ModelArn: record.arn };
    },
    check: objectCheck('CreateModel'),
  });

  registry.register(`${base}createEndpointConfig`, {
    async run(request) {
      const spec = specOf(request, 'createEndpointConfig');
      const record = await createOnce(
        request,
        () => hosting.configs.create({ spec }),
        () => hosting.configs.get(spec.endpointConfigName),
      );
      return { EndpointConfigArn: record.arn };
    },
    check: objectCheck('CreateEndpointConfig'),
  });

  const waitInService = async (request: TaskRequest, name: string): Promise<Json> => {
    const done = await waitUntil({
      check: async () => {
        const record = await hosting.endpoints.get(name);
        const status = record.status.endpointStatus;
        return status === 'InService' || status === 'Failed' ? record : undefined;
      },
      events: deps.events,
      pattern: 'endpoint.*',
      signal: request.signal,
      intervalMs: deps.pollMs,
    });
    const described = toPascalKeys(
      JSON.parse(JSON.stringify({ endpointName: done.name, endpointArn: done.arn, ...done.status })) as Json,
    );
    if (done.status.endpointStatus === 'Failed')
      throw new TaskError('States.TaskFailed', JSON.stringify(described));
    return described;
  };

  const createEndpoint = async (request: TaskRequest) => {
    const spec = specOf(request, 'createEndpoint');
    return createOnce(
      request,
      () => hosting.endpoints.create({ spec }),
      () => hosting.endpoints.get(spec.endpointName),
    );
  };
  registry.register(`${base}createEndpoint`, {
    async run(request) {
      return { EndpointArn: (await createEndpoint(request)).arn };
    },
    async sync(request) {
      return waitInService(request, (await createEndpoint(request)).name);
    },
    check: objectCheck('CreateEndpoint'),
  });

  const updateEndpoint = async (request: TaskRequest) => {
    const spec = specOf(request, 'updateEndpoint');
    try {
      return await hosting.endpoints.update({
        name: spec.endpointName,
        endpointConfigName: spec.endpointConfigName,
      });
    } catch (error) {
      if (isSlipwayError(error)) throw new TaskError('SageMaker.ValidationException', error.message);
      throw error;
    }
  };
  registry.register(`${base}updateEndpoint`, {
    async run(request) {
      return { EndpointArn: (await updateEndpoint(request)).arn };
    },
    async sync(request) {
      return waitInService(request, (await updateEndpoint(request)).name);
    },
    check: objectCheck('UpdateEndpoint'),
  });

  const createTransform = async (request: TaskRequest) => {
    const spec = specOf(request, 'createTransformJob');
    return createOnce(
      request,
      () => hosting.transforms.create({ spec }),
      () => hosting.transforms.get(spec.transformJobName),
    );
  };
  registry.register(`${base}createTransformJob`, {
    async run(request) {
      return { TransformJobArn: (await createTransform(request)).arn };
    },
    async sync(request) {
      const record = await createTransform(request);
      const onAbort = () => {
        if (!isAbandoned(request.signal)) void hosting.transforms.stop(record.name).catch(() => {});
      };
      request.signal.addEventListener('abort', onAbort, { once: true });
      try {
        const done = await waitUntil({
          check: async () => {
            const current = await hosting.transforms.get(record.name);
            return ['Completed', 'Failed', 'Stopped'].includes(current.status.transformJobStatus)
              ? current
              : undefined;
          },
          events: deps.events,
          pattern: 'transform-job.*',
          signal: request.signal,
          intervalMs: deps.pollMs,
        });
        const described = toPascalKeys(
          JSON.parse(
            JSON.stringify({ transformJobName: done.name, transformJobArn: done.arn, ...done.status }),
          ) as Json,
        );
        if (done.status.transformJobStatus !== 'Completed')
          throw new TaskError('States.TaskFailed', JSON.stringify(described));
        return described;
      } finally {
        request.signal.removeEventListener('abort', onAbort);
      }
    },
    check: objectCheck('CreateTransformJob'),
  });
}
