/** GET /training-jobs/:name/logs, optionally followed (`?follow=true`) until the job ends. */
import type { FastifyInstance } from 'fastify';
import { errorResponses, NameParams } from '../api/routes/common.ts';
import { Type } from '../core/schema.ts';
import type { JobLogs } from './job-logs.ts';
import type { TrainingService } from './service.ts';

export function logRoutes(server: FastifyInstance, service: TrainingService, logs: JobLogs) {
  server.get(
    '/training-jobs/:name/logs',
    {
      schema: {
        summary: 'The job log as text; with follow=true, streamed until the job ends',
        tags: ['training-jobs'],
        params: NameParams,
        querystring: Type.Object({ follow: Type.Optional(Type.Boolean()) }),
        response: { 200: Type.String(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { name } = request.params as { name: string };
      await service.get(name);
      const abort = new AbortController();
      request.raw.on('close', () => abort.abort());
      const stream = logs.read(name, {
        follow: Boolean((request.query as { follow?: boolean }).follow),
        isDone: async () => service.isTerminal(await service.get(name)),
        signal: abort.signal,
      });
      return reply.type('text/plain; charset=utf-8').send(stream);
    },
  );
}
