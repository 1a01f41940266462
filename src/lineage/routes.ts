/** GET /api/v1/lineage/<kind>/<name>?direction=upstream|downstream&depth=N */
import type { FastifyInstance } from 'fastify';
import { errorResponses } from '../api/routes/common.ts';
import { Type } from '../core/schema.ts';
import type { LineageService } from './service.ts';
import { LineageQuerySchema, nodeKinds } from './types.ts';

export function lineageRoutes(server: FastifyInstance, lineage: LineageService) {
  server.get(
    '/lineage/:kind/*',
    {
      schema: {
        summary:
          'Walk the lineage graph from a node: upstream (what produced it) or downstream (what used it), to a depth',
        description:
          'The name may contain slashes (a dataset URI); percent-encode it or not. Nodes: ' +
          nodeKinds.join(', '),
        tags: ['lineage'],
        params: Type.Object({
          kind: Type.Union(nodeKinds.map((kind) => Type.Literal(kind))),
          '*': Type.String({ minLength: 1, maxLength: 2048 }),
        }),
        querystring: LineageQuerySchema,
        response: { 200: Type.Record(Type.String(), Type.Unknown()), ...errorResponses },
      },
    },
    async (request) => {
      const params = request.params as { kind: string; '*': string };
      const query = request.query as { direction?: 'upstream' | 'downstream'; depth?: number };
      return lineage.query({ kind: params.kind, name: params['*'], ...query });
    },
  );
}
