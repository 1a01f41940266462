/** Wires the training domain into an app: service, controller, log store, routes. */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { App } from '../app.ts';
import { replicaIdentity } from '../core/replica.ts';
import type { MetricStore } from '../experiments/metric-store.ts';
import type { GpuAllocator } from '../runtime/gpus.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { BuiltinAlgorithms } from './builtins.ts';
import { TrainingController } from './controller.ts';
import { JobLogs } from './job-logs.ts';
import { logRoutes } from './log-routes.ts';
import { trainingRoutes } from './routes.ts';
import { TrainingService } from './service.ts';

export interface TrainingModule {
  service: TrainingService;
  controller: TrainingController;
  logs: JobLogs;
  routes(server: FastifyInstance): void;
}

export function createTrainingModule(
  app: App,
  options: {
    runtimes: ReadonlyMap<string, Runtime>;
    builtins: BuiltinAlgorithms;
    gpus: GpuAllocator;
    metrics: MetricStore;
  },
): TrainingModule {
  const logs = new JobLogs(join(app.config.home, 'logs', 'training-jobs'));
  const service = new TrainingService({
    store: app.store,
    artifacts: app.artifacts,
    events: app.events,
    metrics: options.metrics,
    builtins: options.builtins,
    gpuInventory: options.gpus.inventory,
    python: app.config.python,
    trust: app.trust,
  });
  const controller = new TrainingController({
    store: app.store,
    artifacts: app.artifacts,
    events: app.events,
    metrics: options.metrics,
    logs,
    runtimes: options.runtimes,
    gpus: options.gpus,
    builtins: options.builtins,
    python: app.config.python,
    pipArgs: app.config.pipArgs,
    workFolder: join(app.config.home, 'work', 'training-jobs'),
    owner: replicaIdentity(),
    logger: app.logger.child({ component: 'training' }),
    stopGraceMs: app.config.stopGraceSeconds * 1000,
  });
  service.onChange = (name) => controller.kick(name);
  return {
    service,
    controller,
    logs,
    routes(server) {
      trainingRoutes(server, service);
      logRoutes(server, service, logs);
    },
  };
}
