/**
 * The domains on top of the app: built once per server from the app's config. Each domain module
 * owns its service, controller and routes; this file only wires them together.
 */

import type { RoutePlugin } from './api/server.ts';
import type { App } from './app.ts';
import { MetricStore } from './experiments/metric-store.ts';
import { GpuAllocator } from './runtime/gpus.ts';
import { ProcessRuntime } from './runtime/process/process-runtime.ts';
import type { Runtime } from './runtime/runtime.ts';
import type { BuiltinAlgorithms } from './training/builtins.ts';
import { createTrainingModule, type TrainingModule } from './training/module.ts';
import { createWorkflowsModule, type WorkflowsModule } from './workflows/module.ts';

export interface Platform {
  training: TrainingModule;
  workflows: WorkflowsModule;
  runtimes: ReadonlyMap<string, Runtime>;
  routePlugins: RoutePlugin[];
  /** Starts the controllers (after the server is listening). */
  start(): void;
}

export function createPlatform(app: App, options: { builtins?: BuiltinAlgorithms } = {}): Platform {
  const runtimes = new Map<string, Runtime>([['process', new ProcessRuntime()]]);
  const metrics = new MetricStore(app.store);
  const gpus = new GpuAllocator(app.config.gpus);
  const training = createTrainingModule(app, {
    runtimes,
    builtins: options.builtins ?? new Map(),
    gpus,
    metrics,
  });
  app.onClose(() => training.controller.close());
  const workflows = createWorkflowsModule(app, { training });
  return {
    training,
    workflows,
    runtimes,
    routePlugins: [(server) => training.routes(server), (server) => workflows.routes(server)],
    start() {
      training.controller.start();
      workflows.start();
    },
  };
}
