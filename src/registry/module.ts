/**
 * Wires experiment tracking, lineage and the model registry into a platform: the services, the
 * training controller's tracking hooks, hosting's lineage recorder (from events), and the routes.
 */
import type { FastifyInstance } from 'fastify';
import type { App } from '../app.ts';
import { ExperimentService } from '../experiments/experiments.ts';
import type { MetricStore } from '../experiments/metric-store.ts';
import { experimentRoutes } from '../experiments/routes.ts';
import { RunService } from '../experiments/runs.ts';
import { TrainingTracker } from '../experiments/training-tracker.ts';
import type { HostingModule } from '../hosting/module.ts';
import { HostingLineageRecorder } from '../lineage/hosting-recorder.ts';
import { lineageRoutes } from '../lineage/routes.ts';
import { LineageService } from '../lineage/service.ts';
import type { TrainingModule } from '../training/module.ts';
import { GroupService } from './groups.ts';
import { ModelPackageService } from './model-packages.ts';
import { registryRoutes } from './routes.ts';

export interface RegistryModule {
  experiments: ExperimentService;
  runs: RunService;
  lineage: LineageService;
  groups: GroupService;
  packages: ModelPackageService;
  routes(server: FastifyInstance): void;
  /** Starts hosting's lineage recorder (after the server is listening). */
  start(): void;
}

export function createRegistryModule(
  app: App,
  options: { training: TrainingModule; hosting: HostingModule; metrics: MetricStore },
): RegistryModule {
  const experiments = new ExperimentService({ store: app.store, events: app.events });
  const runs = new RunService({
    store: app.store,
    events: app.events,
    metrics: options.metrics,
    artifacts: app.artifacts,
    experiments,
  });
  const lineage = new LineageService({ store: app.store });
  options.training.controller.hooks = new TrainingTracker({
    runs,
    lineage,
    artifacts: app.artifacts,
    logger: app.logger.child({ component: 'tracking' }),
  });
  const recorder = new HostingLineageRecorder({
    events: app.events,
    lineage,
    models: options.hosting.models,
    configs: options.hosting.configs,
    endpoints: options.hosting.endpoints,
    logger: app.logger.child({ component: 'lineage' }),
  });
  app.onClose(() => recorder.close());
  const groups = new GroupService({ store: app.store, events: app.events });
  const packages = new ModelPackageService({
    store: app.store,
    events: app.events,
    artifacts: app.artifacts,
    groups,
    training: options.training.service,
    runs,
    deploy: options.hosting.deploy,
    lineage,
  });
  return {
    experiments,
    runs,
    lineage,
    groups,
    packages,
    routes(server) {
      experimentRoutes(server, {
        experiments,
        runs,
        training: options.training.service,
        artifacts: app.artifacts,
        maxUploadBytes: app.config.maxUploadBytes,
      });
      registryRoutes(server, { groups, packages });
      lineageRoutes(server, lineage);
    },
    start() {
      recorder.start();
    },
  };
}
