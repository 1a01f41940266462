/**
 * The domains on top of the app: built once per server from the app's config. Each domain module
 * owns its service, controller and routes; this file only wires them together.
 */

import type { RoutePlugin } from './api/server.ts';
import type { App } from './app.ts';
import { MetricStore } from './experiments/metric-store.ts';
import { createHostingModule, type HostingModule } from './hosting/module.ts';
import { type FastPath, invocationFastPath } from './inference/fast-path.ts';
import { createRegistryModule } from './registry/module.ts';
import { DockerRuntime } from './runtime/docker/docker-runtime.ts';
import { GpuAllocator } from './runtime/gpus.ts';
import { ProcessRuntime } from './runtime/process/process-runtime.ts';
import type { Runtime } from './runtime/runtime.ts';
import { builtinAlgorithmCatalogue } from './training/builtin-algorithms.ts';
import type { BuiltinAlgorithms } from './training/builtins.ts';
import { createTrainingModule, type TrainingModule } from './training/module.ts';
import { registerHostingIntegrations } from './workflows/integrations/sagemaker-hosting.ts';
import { registerRegistryIntegrations } from './workflows/integrations/sagemaker-registry.ts';
import { createWorkflowsModule, type WorkflowsModule } from './workflows/module.ts';

export interface Platform {
  training: TrainingModule;
  hosting: HostingModule;
  workflows: WorkflowsModule;
  runtimes: ReadonlyMap<string, Runtime>;
  routePlugins: RoutePlugin[];
  /** The invocation hot path, served before the API framework. */
  fastPath: FastPath;
  /** The data plane's routes, outside /api/v1. */
  rootPlugins: RoutePlugin[];
  /** Starts the controllers (after the server is listening). */
  start(): void;
}

export function createPlatform(app: App, options: { builtins?: BuiltinAlgorithms } = {}): Platform {
  // The docker runtime is always offered; without an engine its runs fail with a clear reason.
  const runtimes = new Map<string, Runtime>([
    ['process', new ProcessRuntime()],
    ['docker', new DockerRuntime()],
  ]);
  const metrics = new MetricStore(app.store);
  const gpus = new GpuAllocator(app.config.gpus);
  const training = createTrainingModule(app, {
    runtimes,
    builtins: options.builtins ?? builtinAlgorithmCatalogue(),
    gpus,
    metrics,
  });
  const hosting = createHostingModule(app, { runtimes, training: training.service });
  const registry = createRegistryModule(app, { training, hosting, metrics });
  app.onClose(() => training.controller.close());
  app.onClose(() => hosting.controller.close());
  app.onClose(() => hosting.autoscaler.close());
  app.onClose(() => hosting.transformRunner.close());
  const workflows = createWorkflowsModule(app, { training });
  registerHostingIntegrations(workflows.integrations, { hosting, events: app.events });
  registerRegistryIntegrations(workflows.integrations, { packages: registry.packages });
  return {
    training,
    hosting,
    workflows,
    runtimes,
    routePlugins: [
      (server) => training.routes(server),
      (server) => hosting.routes(server),
      (server) => workflows.routes(server),
      (server) => registry.routes(server),
    ],
    rootPlugins: [(server) => hosting.dataPlaneRoutes(server)],
    fastPath: invocationFastPath({
      router: hosting.router,
      tokens: app.tokens,
      authEnabled: app.config.authEnabled,
    }),
    start() {
      training.controller.start();
      hosting
        .reapOrphanServers()
        .catch((error) =>
          app.logger.warn({ err: error }, 'could not end the model servers an earlier Slipway left running'),
        );
      hosting.controller.start();
      hosting.autoscaler.start();
      hosting.transformRunner.start();
      workflows.start();
      registry.start();
    },
  };
}
