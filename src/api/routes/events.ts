import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.ts';
import { isoTime } from '../../core/clock.ts';
import { Type } from '../../core/schema.ts';
import { errorResponses } from './common.ts';

export async function eventRoutes(server: FastifyInstance, app: App) {
  server.get(
    '/events',
    {
      schema: {
        summary: 'Events, oldest first after a cursor',
        tags: ['events'],
        querystring: Type.Object({
          afterId: Type.Optional(Type.Integer({ minimum: 0 })),
          type: Type.Optional(Type.String({ description: 'pattern; * matches anything' })),
          resource: Type.Optional(Type.String()),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.Integer(),
                time: Type.String(),
                resource: Type.String(),
                type: Type.String(),
                detail: Type.Record(Type.String(), Type.Unknown()),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const query = request.query as { afterId?: number; type?: string; resource?: string; limit?: number };
      const events = await app.events.list(query);
      return { items: events.map((event) => ({ ...event, time: isoTime(event.time)! })) };
    },
  );
}
