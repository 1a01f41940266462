import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.ts';
import { isoTime } from '../../core/clock.ts';
import { Type } from '../../core/schema.ts';
import { roles } from '../auth/roles.ts';
import type { TokenInfo } from '../auth/tokens.ts';
import { errorResponses } from './common.ts';

const RoleSchema = Type.Union(roles.map((role) => Type.Literal(role)));
const TokenView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Type.String(),
  createdAt: Type.String(),
  revokedAt: Type.Optional(Type.String()),
});

function view(info: TokenInfo) {
  return {
    id: info.id,
    name: info.name,
    role: info.role,
    createdAt: isoTime(info.createdAt)!,
    revokedAt: isoTime(info.revokedAt),
  };
}

export async function tokenRoutes(server: FastifyInstance, app: App) {
  const tags = ['tokens'];
  server.post(
    '/tokens',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'Create an API token (the secret is returned once)',
        tags,
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 128 }), role: RoleSchema },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ token: Type.String(), info: TokenView }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { token, info } = await app.tokens.create(request.body as { name: string; role: string });
      return reply.status(201).send({ token, info: view(info) });
    },
  );
  server.get(
    '/tokens',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'List API tokens',
        tags,
        response: { 200: Type.Object({ items: Type.Array(TokenView) }), ...errorResponses },
      },
    },
    async () => ({ items: (await app.tokens.list()).map(view) }),
  );
  server.delete(
    '/tokens/:id',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'Revoke an API token',
        tags,
        params: Type.Object({ id: Type.String() }),
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      await app.tokens.revoke(id);
      return reply.status(204).send();
    },
  );
}
