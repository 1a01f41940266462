import type { FastifyInstance } from 'fastify';
import { errorResponses, NameParams } from '../../api/routes/common.ts';
import { crudRoutes } from '../../api/routes/crud.ts';
import { Type } from '../../core/schema.ts';
import { describeTransformJob, type TransformService } from './service.ts';
import { TransformJobSpecSchema } from './types.ts';

export function transformRoutes(server: FastifyInstance, transforms: TransformService) {
  crudRoutes(server, {
    path: 'transform-jobs',
    title: 'transform job',
    createSchema: TransformJobSpecSchema,
    create: (spec) => transforms.create({ spec }),
    get: (name) => transforms.get(name),
    list: (query) => transforms.list(query),
    view: describeTransformJob,
  });
  server.post(
    '/transform-jobs/:name/stop',
    {
      schema: {
        summary: 'Stop a transform job',
        tags: ['transform-jobs'],
        params: NameParams,
        response: { 200: Type.Record(Type.String(), Type.Unknown()), ...errorResponses },
      },
    },
    async (request) => describeTransformJob(await transforms.stop((request.params as { name: string }).name)),
  );
}
