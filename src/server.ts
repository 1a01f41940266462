/** Starts a whole Slipway: the app, first-start setup, the HTTP server. Used by `slipway up` and tests. */
import type { FastifyInstance } from 'fastify';
import { createServer, type ServerOptions } from './api/server.ts';
import { type App, createApp } from './app.ts';
import type { Config } from './core/config.ts';
import { logEvents } from './core/event-log.ts';
import type { Logger } from './core/logging.ts';
import { createPlatform, type Platform } from './platform.ts';

export interface RunningSlipway {
  app: App;
  platform: Platform;
  server: FastifyInstance;
  url: string;
  initialAdmin?: { token: string; file: string };
  close(): Promise<void>;
}

export async function startSlipway(
  config: Config,
  options: ServerOptions & { logger?: Logger } = {},
): Promise<RunningSlipway> {
  const app = await createApp(config, { logger: options.logger });
  try {
    const initialAdmin = await app.tokens.ensureInitialAdmin({
      home: config.home,
      preset: config.adminToken,
    });
    const platform = createPlatform(app);
    const server = await createServer(app, {
      ...options,
      routePlugins: [...platform.routePlugins, ...(options.routePlugins ?? [])],
      rootPlugins: [...platform.rootPlugins, ...(options.rootPlugins ?? [])],
      fastPath: platform.fastPath,
    });
    const address = await server.listen({ host: config.host, port: config.port });
    app.onClose(() => server.close());
    app.onClose(logEvents(app.events, app.logger));
    platform.start();
    return {
      app,
      platform,
      server,
      url: address.replace('[::1]', 'localhost'),
      initialAdmin,
      close: () => app.close(),
    };
  } catch (error) {
    await app.close();
    throw error;
  }
}
