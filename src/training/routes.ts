/** REST routes for training jobs under /api/v1/training-jobs. */
import type { FastifyInstance } from 'fastify';
import { errorResponses, NameParams, PagingQuery } from '../api/routes/common.ts';
import { Type } from '../core/schema.ts';
import { describeTrainingJob, type TrainingService } from './service.ts';
import { TrainingJobSpecSchema, trainingJobStatuses } from './types.ts';

const tags = ['training-jobs'];
const Described = Type.Record(Type.String(), Type.Unknown());

export function trainingRoutes(server: FastifyInstance, service: TrainingService) {
  server.post(
    '/training-jobs',
    {
      schema: {
        summary: 'Create a training job (SageMaker CreateTrainingJob, camelCase)',
        tags,
        body: TrainingJobSpecSchema,
        response: { 201: Described, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(describeTrainingJob(await service.create({ spec: request.body }))),
  );

  server.get(
    '/training-jobs',
    {
      schema: {
        summary: 'List training jobs, newest first',
        tags,
        querystring: Type.Composite([
          PagingQuery,
          Type.Object({
            statusEquals: Type.Optional(Type.Union(trainingJobStatuses.map((s) => Type.Literal(s)))),
            nameContains: Type.Optional(Type.String({ maxLength: 63 })),
          }),
        ]),
        response: {
          200: Type.Object({ items: Type.Array(Described), nextToken: Type.Optional(Type.String()) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const page = await service.list(request.query as Parameters<TrainingService['list']>[0]);
      return { items: page.items.map(describeTrainingJob), nextToken: page.nextToken };
    },
  );

  server.get(
    '/training-jobs/:name',
    {
      schema: {
        summary: 'Describe a training job',
        tags,
        params: NameParams,
        response: { 200: Described, ...errorResponses },
      },
    },
    async (request) => describeTrainingJob(await service.get((request.params as { name: string }).name)),
  );

  server.post(
    '/training-jobs/:name/stop',
    {
      schema: {
        summary: 'Stop a training job (SIGTERM, then SIGKILL after the grace period)',
        tags,
        params: NameParams,
        response: { 200: Described, ...errorResponses },
      },
    },
    async (request) => describeTrainingJob(await service.stop((request.params as { name: string }).name)),
  );

  server.get(
    '/training-jobs/:name/metrics',
    {
      schema: {
        summary: 'Metric series parsed from the job log',
        tags,
        params: NameParams,
        querystring: Type.Object({ name: Type.Optional(Type.String()) }),
        response: {
          200: Type.Object({
            metrics: Type.Array(
              Type.Object({
                name: Type.String(),
                points: Type.Array(
                  Type.Object({ step: Type.Integer(), value: Type.Number(), timestamp: Type.String() }),
                ),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { name } = request.params as { name: string };
      await service.get(name);
      const wanted = (request.query as { name?: string }).name;
      const names = wanted ? [wanted] : await service.metricNames(name);
      const metrics = [];
      for (const metric of names) {
        const points = await service.metricSeries(name, metric);
        metrics.push({
          name: metric,
          points: points.map((p) => ({
            step: p.step,
            value: p.value,
            timestamp: new Date(p.time).toISOString(),
          })),
        });
      }
      return { metrics };
    },
  );
}
