/** REST routes for models, endpoint configs and endpoints. */
import type { FastifyInstance } from 'fastify';
import { errorResponses, NameParams } from '../api/routes/common.ts';
import { crudRoutes } from '../api/routes/crud.ts';
import { isoTime } from '../core/clock.ts';
import { ResourceName, StrictObject, Type } from '../core/schema.ts';
import type { EndpointRouter } from '../inference/live-endpoint.ts';
import { DeployRequestSchema, type DeployService } from './deploy.ts';
import type { EndpointConfigService } from './endpoint-configs.ts';
import { describeEndpoint, type EndpointService, UpdateWeightsSchema } from './endpoints.ts';
import type { ModelService } from './models.ts';
import { EndpointConfigSpecSchema, EndpointSpecSchema, ModelSpecSchema } from './types.ts';

const Described = Type.Record(Type.String(), Type.Unknown());

export function hostingRoutes(
  server: FastifyInstance,
  services: {
    models: ModelService;
    configs: EndpointConfigService;
    endpoints: EndpointService;
    router: EndpointRouter;
    deploy: DeployService;
  },
) {
  const { models, configs, endpoints, router, deploy } = services;
  crudRoutes(server, {
    path: 'models',
    title: 'model',
    createSchema: ModelSpecSchema,
    create: (spec) => models.create({ spec }),
    get: (name) => models.get(name),
    list: (query) => models.list(query),
    delete: (name) => models.delete(name),
    view: (record) => ({
      ...record.spec,
      modelArn: record.arn,
      servingType: record.status.servingType,
      modelDataSha256: record.status.modelDataSha256,
      codeSha256: record.status.codeSha256,
      creationTime: isoTime(record.createdAt),
    }),
  });
  crudRoutes(server, {
    path: 'endpoint-configs',
    title: 'endpoint config',
    createSchema: EndpointConfigSpecSchema,
    create: (spec) => configs.create({ spec }),
    get: (name) => configs.get(name),
    list: (query) => configs.list(query),
    delete: (name) => configs.delete(name),
    view: (record) => ({
      ...record.spec,
      endpointConfigArn: record.arn,
      creationTime: isoTime(record.createdAt),
    }),
  });
  crudRoutes(server, {
    path: 'endpoints',
    title: 'endpoint',
    createSchema: EndpointSpecSchema,
    create: (spec) => endpoints.create({ spec }),
    get: (name) => endpoints.get(name),
    list: (query) => endpoints.list(query),
    delete: (name) => endpoints.delete(name),
    view: (record) => {
      const live = router.get(record.name);
      const counters = Object.fromEntries(
        (live?.variants ?? []).map((v) => [v.name, { ...v.metrics.counters }]),
      );
      return describeEndpoint(record, { counters });
    },
  });

  server.post(
    '/endpoints/:name/update',
    {
      schema: {
        summary: 'Move an endpoint to another endpoint config (UpdateEndpoint)',
        tags: ['endpoints'],
        params: NameParams,
        body: StrictObject({ endpointConfigName: ResourceName }),
        response: { 200: Described, ...errorResponses },
      },
    },
    async (request) => {
      const { name } = request.params as { name: string };
      const { endpointConfigName } = request.body as { endpointConfigName: string };
      return describeEndpoint(await endpoints.update({ name, endpointConfigName }));
    },
  );
  server.post(
    '/endpoints/:name/update-weights',
    {
      schema: {
        summary: 'Change variant weights and instance counts in place (UpdateEndpointWeightsAndCapacities)',
        tags: ['endpoints'],
        params: NameParams,
        body: UpdateWeightsSchema,
        response: { 200: Described, ...errorResponses },
      },
    },
    async (request) =>
      describeEndpoint(
        await endpoints.updateWeights({
          name: (request.params as { name: string }).name,
          body: request.body,
        }),
      ),
  );
  server.post(
    '/training-jobs/:name/deploy',
    {
      schema: {
        summary: 'Deploy a completed training job to an endpoint in one step (estimator.deploy)',
        tags: ['endpoints'],
        params: NameParams,
        body: DeployRequestSchema,
        response: { 201: Described, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        describeEndpoint(
          await deploy.fromTrainingJob({
            trainingJobName: (request.params as { name: string }).name,
            request: request.body,
          }),
        ),
      ),
  );
}
