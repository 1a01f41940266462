/**
 * The REST shape every resource kind shares: POST creates (201), GET lists (paged), GET /:name
 * describes, DELETE deletes (204). Domains give their schema and service calls; verbs and updates
 * they add themselves.
 */
import type { FastifyInstance } from 'fastify';
import { type TSchema, Type } from '../../core/schema.ts';
import type { Page } from '../../store/store.ts';
import { errorResponses, NameParams, PagingQuery } from './common.ts';

const Described = Type.Record(Type.String(), Type.Unknown());

export interface CrudOptions<R> {
  path: string;
  title: string;
  createSchema: TSchema;
  create(body: unknown): Promise<R>;
  get(name: string): Promise<R>;
  list(query: { limit?: number; nextToken?: string }): Promise<Page<R>>;
  delete?(name: string): Promise<void>;
  view(record: R): Record<string, unknown> | Promise<Record<string, unknown>>;
}

export function crudRoutes<R>(server: FastifyInstance, options: CrudOptions<R>) {
  const tags = [options.path];
  const base = `/${options.path}`;
  server.post(
    base,
    {
      schema: {
        summary: `Create a ${options.title}`,
        tags,
        body: options.createSchema,
        response: { 201: Described, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await options.view(await options.create(request.body))),
  );
  server.get(
    base,
    {
      schema: {
        summary: `List ${options.title}s, newest first`,
        tags,
        querystring: PagingQuery,
        response: {
          200: Type.Object({ items: Type.Array(Described), nextToken: Type.Optional(Type.String()) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const page = await options.list(request.query as { limit?: number; nextToken?: string });
      return {
        items: await Promise.all(page.items.map((item) => options.view(item))),
        nextToken: page.nextToken,
      };
    },
  );
  server.get(
    `${base}/:name`,
    {
      schema: {
        summary: `Describe a ${options.title}`,
        tags,
        params: NameParams,
        response: { 200: Described, ...errorResponses },
      },
    },
    async (request) => options.view(await options.get((request.params as { name: string }).name)),
  );
  if (options.delete) {
    const remove = options.delete;
    server.delete(
      `${base}/:name`,
      {
        schema: {
          summary: `Delete a ${options.title}`,
          tags,
          params: NameParams,
          response: { 204: Type.Null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await remove((request.params as { name: string }).name);
        return reply.status(204).send();
      },
    );
  }
}
