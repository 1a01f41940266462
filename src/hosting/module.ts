/** Wires hosting and the data plane into an app: services, the endpoint controller, routes. */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { App } from '../app.ts';
import { replicaIdentity } from '../core/replica.ts';
import { EndpointRouter } from '../inference/live-endpoint.ts';
import { inferenceRoutes } from '../inference/routes.ts';
import { InferenceMetrics } from '../inference/variant-metrics.ts';
import { RunLedger } from '../runtime/run-ledger.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { TrainingService } from '../training/service.ts';
import { Autoscaler } from './autoscaler.ts';
import { DeployService } from './deploy.ts';
import { EndpointConfigService } from './endpoint-configs.ts';
import { EndpointController } from './endpoint-controller.ts';
import { EndpointService } from './endpoints.ts';
import { ModelService } from './models.ts';
import { hostingRoutes } from './routes.ts';
import { transformRoutes } from './transform/routes.ts';
import { TransformRunner } from './transform/runner.ts';
import { TransformService } from './transform/service.ts';

export interface HostingModule {
  models: ModelService;
  configs: EndpointConfigService;
  endpoints: EndpointService;
  router: EndpointRouter;
  controller: EndpointController;
  deploy: DeployService;
  autoscaler: Autoscaler;
  transforms: TransformService;
  transformRunner: TransformRunner;
  routes(server: FastifyInstance): void;
  dataPlaneRoutes(server: FastifyInstance): void;
  /** Ends model servers that a Slipway killed outright left running on this host. */
  reapOrphanServers(): Promise<void>;
}

export function createHostingModule(
  app: App,
  options: { runtimes: ReadonlyMap<string, Runtime>; training: TrainingService },
): HostingModule {
  const models = new ModelService({
    store: app.store,
    artifacts: app.artifacts,
    events: app.events,
    trust: app.trust,
  });
  const configs = new EndpointConfigService({
    store: app.store,
    events: app.events,
    models,
    artifacts: app.artifacts,
  });
  const endpoints = new EndpointService({ store: app.store, events: app.events, configs });
  const router = new EndpointRouter();
  const ledger = new RunLedger(join(app.config.home, 'run', 'model-servers'));
  const controller = new EndpointController({
    store: app.store,
    events: app.events,
    artifacts: app.artifacts,
    endpoints,
    configs,
    models,
    router,
    metrics: new InferenceMetrics(app.metrics.registry),
    runtimes: options.runtimes,
    python: app.config.python,
    workFolder: join(app.config.home, 'work', 'endpoints'),
    ledger,
    logger: app.logger.child({ component: 'hosting' }),
  });
  endpoints.onChange = (name) => controller.kick(name);
  const autoscaler = new Autoscaler({
    store: app.store,
    events: app.events,
    router,
    configs,
    endpoints,
    logger: app.logger.child({ component: 'autoscaler' }),
  });
  const transforms = new TransformService({
    store: app.store,
    events: app.events,
    models,
    artifacts: app.artifacts,
  });
  const transformRunner = new TransformRunner({
    store: app.store,
    events: app.events,
    artifacts: app.artifacts,
    models,
    runtimes: options.runtimes,
    python: app.config.python,
    workFolder: join(app.config.home, 'work', 'transform-jobs'),
    ledger,
    owner: replicaIdentity(),
    logger: app.logger.child({ component: 'transform' }),
  });
  transforms.onChange = () => transformRunner.kick();
  const deploy = new DeployService({ models, configs, endpoints, training: options.training });
  return {
    models,
    configs,
    endpoints,
    router,
    controller,
    deploy,
    autoscaler,
    transforms,
    transformRunner,
    routes: (server) => {
      hostingRoutes(server, { models, configs, endpoints, router, deploy });
      transformRoutes(server, transforms);
    },
    dataPlaneRoutes: (server) => inferenceRoutes(server, router),
    async reapOrphanServers() {
      const reaped = await ledger.reapOrphans(options.runtimes);
      if (reaped.length > 0)
        app.logger.info({ servers: reaped }, 'ended model servers an earlier Slipway left running');
    },
  };
}
