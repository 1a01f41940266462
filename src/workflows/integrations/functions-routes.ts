/** REST routes for functions (what `lambda:invoke` calls): /api/v1/functions. */
import type { FastifyInstance } from 'fastify';
import { errorResponses, NameParams, PagingQuery, pageOf } from '../../api/routes/common.ts';
import { isoTime } from '../../core/clock.ts';
import { Type } from '../../core/schema.ts';
import type { ResourceRecord } from '../../store/store.ts';
import type { FunctionSpec, FunctionsService } from './functions.ts';

const Described = Type.Record(Type.String(), Type.Unknown());
const tags = ['functions'];

function describeFunction(record: ResourceRecord<FunctionSpec, object>) {
  return { ...record.spec, functionArn: record.arn, creationTime: isoTime(record.createdAt) };
}

export function functionRoutes(server: FastifyInstance, functions: FunctionsService) {
  server.post(
    '/functions',
    {
      // A function runs on the server's host, outside any container: only admins may add one.
      config: { role: 'admin' },
      schema: {
        summary: 'Register a function for lambda:invoke ({ name, module } or { name, command }); admins only',
        tags,
        body: Type.Record(Type.String(), Type.Unknown()),
        response: { 201: Described, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(describeFunction(await functions.create(request.body))),
  );
  server.get(
    '/functions',
    { schema: { summary: 'List functions', tags, querystring: PagingQuery } },
    async (request) => {
      const page = await functions.list(request.query as { limit?: number; nextToken?: string });
      return pageOf(page.items.map(describeFunction), page.nextToken);
    },
  );
  server.get(
    '/functions/:name',
    {
      schema: {
        summary: 'Describe a function',
        tags,
        params: NameParams,
        response: { 200: Described, ...errorResponses },
      },
    },
    async (request) => describeFunction(await functions.get((request.params as { name: string }).name)),
  );
  server.delete(
    '/functions/:name',
    { schema: { summary: 'Delete a function', tags, params: NameParams } },
    async (request, reply) => {
      await functions.delete((request.params as { name: string }).name);
      return reply.status(204).send();
    },
  );
}
