/**
 * The HTTP server: fastify with JSON schemas on every route, OpenAPI at /openapi.json, Prometheus
 * at /metrics, health at /healthz, one error format, bearer-token auth. Domains add their routes
 * as plugins through `routePlugins`.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import swagger from '@fastify/swagger';
import { Ajv } from 'ajv';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { type App, version } from '../app.ts';
import { installAuth } from './auth/plugin.ts';
import { sendError } from './errors.ts';
import { installJsonBodyParser } from './json-body.ts';
import { installSecretMasking } from './mask-secrets.ts';
import type { Metrics } from './metrics.ts';
import { eventRoutes } from './routes/events.ts';
import { statusRoutes } from './routes/status.ts';
import { tokenRoutes } from './routes/tokens.ts';

export type RoutePlugin = (server: FastifyInstance, app: App) => Promise<void> | void;

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

export interface ServerOptions {
  /** Extra domain route plugins under /api/v1, with the same auth and error handling. */
  routePlugins?: RoutePlugin[];
  /** Plugins at the root (the data plane: /endpoints/…, /v2/…), with the same auth and error handling. */
  rootPlugins?: RoutePlugin[];
  bodyLimit?: number;
  /** Requests this answers (returning true) never reach the framework: the data plane's hot path. */
  fastPath?: (request: IncomingMessage, response: ServerResponse) => boolean;
}

/**
 * Request validation. A typo in a field must be an error, not silently dropped. A JSON body keeps
 * its types, so a number where a name belongs is refused rather than turned into "12345"; query
 * strings, path parameters and headers are text, so there values are coerced to the schema's type.
 */
const sharedAjvOptions = {
  removeAdditional: false,
  useDefaults: true,
  allErrors: false,
  addUsedSchema: false,
};
const validators = {
  body: new Ajv({ ...sharedAjvOptions, coerceTypes: false }),
  text: new Ajv({ ...sharedAjvOptions, coerceTypes: 'array' }),
};

function compileValidator(ajv: Ajv, schema: Record<string, unknown>) {
  // A schema with an $id compiles once per Ajv instance; later routes reuse it.
  const known = typeof schema.$id === 'string' ? ajv.getSchema(schema.$id) : undefined;
  return known ?? ajv.compile(schema);
}

export async function createServer(app: App, options: ServerOptions = {}): Promise<FastifyInstance> {
  const server: FastifyInstance = Fastify({
    loggerInstance: app.logger.child({ component: 'api' }) as FastifyBaseLogger,
    // Per-request log lines cost throughput on the data plane; metrics cover requests instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? 6 * 1024 * 1024,
    forceCloseConnections: 'idle',
    serverFactory: (handler) =>
      createHttpServer((request, response) => {
        if (!options.fastPath?.(request, response)) handler(request, response);
      }),
  });
  server.decorate('metrics', app.metrics);
  installJsonBodyParser(server);
  server.setValidatorCompiler(({ schema, httpPart }) =>
    compileValidator(
      httpPart === 'body' ? validators.body : validators.text,
      schema as Record<string, unknown>,
    ),
  );

  await server.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Slipway API',
        version,
        description: 'Self-hosted MLOps: training, hosting, registry, workflows.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });

  server.setErrorHandler(sendError);
  server.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      code: 'SLIPWAY_ROUTE_NOT_FOUND',
      message: `no route ${request.method} ${request.url.split('?')[0]}`,
      details: {},
    }),
  );
  installAuth(server, { tokens: app.tokens, enabled: app.config.authEnabled });
  installSecretMasking(server);

  server.addHook('onResponse', async (request, reply) => {
    server.metrics.httpDuration
      .labels(request.method, request.routeOptions.url ?? 'unmatched', String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
  });

  server.get('/healthz', { config: { public: true }, schema: { hide: true } }, async () => ({
    status: 'ok',
    version,
  }));
  server.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () =>
    server.swagger(),
  );
  server.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (_request, reply) =>
    reply.type(server.metrics.registry.contentType).send(await server.metrics.registry.metrics()),
  );

  for (const plugin of [statusRoutes, tokenRoutes, eventRoutes, ...(options.routePlugins ?? [])]) {
    await server.register(async (scope) => plugin(scope, app), { prefix: '/api/v1' });
  }
  for (const plugin of options.rootPlugins ?? []) await server.register(async (scope) => plugin(scope, app));
  return server;
}
