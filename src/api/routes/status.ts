import type { FastifyInstance } from 'fastify';
import { type App, version } from '../../app.ts';
import { Type } from '../../core/schema.ts';
import { errorResponses } from './common.ts';

export async function statusRoutes(server: FastifyInstance, app: App) {
  server.get(
    '/status',
    {
      schema: {
        summary: 'Server version, backends and the caller’s identity',
        tags: ['status'],
        response: {
          200: Type.Object({
            version: Type.String(),
            database: Type.String(),
            artifacts: Type.String(),
            authEnabled: Type.Boolean(),
            trustMode: Type.Object({
              mode: Type.Union([Type.Literal('single-user'), Type.Literal('team')]),
              reason: Type.String(),
              dataRoots: Type.Array(Type.String()),
              processRuntime: Type.Union([Type.Literal('allowed'), Type.Literal('refused')]),
              teamImage: Type.Optional(Type.String()),
            }),
            principal: Type.Object({ name: Type.String(), role: Type.String() }),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      version,
      database: app.store.description,
      artifacts: app.artifacts.defaultStore.rootUri,
      authEnabled: app.config.authEnabled,
      trustMode: {
        mode: app.trust.current,
        reason: app.trust.reason,
        dataRoots: app.config.dataRoots,
        processRuntime: app.trust.processRuntimeAllowed ? ('allowed' as const) : ('refused' as const),
        teamImage: app.config.teamImage,
      },
      principal: { name: request.principal!.name, role: request.principal!.role },
    }),
  );
}
