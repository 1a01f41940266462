/**
 * Wires the workflow domain into an app: workflows, executions and their controller, the task
 * integrations (the lead registers more through `integrations.register`), functions and triggers.
 */
import type { FastifyInstance } from 'fastify';
import type { App } from '../app.ts';
import { replicaIdentity } from '../core/replica.ts';
import type { TrainingModule } from '../training/module.ts';
import { ExecutionsController } from './controller.ts';
import { ExecutionService } from './execution-service.ts';
import { registerBuiltinIntegrations } from './integrations/builtins.ts';
import { artifactItemReader } from './integrations/item-reader.ts';
import { IntegrationRegistry } from './integrations/registry.ts';
import { TaskTokens } from './integrations/task-tokens.ts';
import { workflowRoutes } from './routes.ts';
import { HistoryStore } from './store/history-store.ts';
import { ArtifactWatcher } from './triggers/artifact-watcher.ts';
import { triggerRoutes } from './triggers/routes.ts';
import { TriggerController } from './triggers/trigger-controller.ts';
import { TriggerService } from './triggers/trigger-service.ts';
import { WorkflowService } from './workflow-service.ts';

export interface WorkflowsModule {
  workflows: WorkflowService;
  executions: ExecutionService;
  controller: ExecutionsController;
  /** Add task integrations here (`register(resourceArn, handler)`). */
  integrations: IntegrationRegistry;
  history: HistoryStore;
  triggers: TriggerService;
  triggerController: TriggerController;
  /** Announces new objects under the prefixes event rules watch. */
  artifactWatcher: ArtifactWatcher;
  routes(server: FastifyInstance): void;
  start(): void;
}

export function createWorkflowsModule(app: App, options: { training: TrainingModule }): WorkflowsModule {
  const tokens = new TaskTokens();
  const integrations = new IntegrationRegistry(tokens);
  const history = new HistoryStore(app.store);
  const workflows = new WorkflowService({ store: app.store, events: app.events, integrations });
  const executions = new ExecutionService({
    store: app.store,
    events: app.events,
    workflows,
    history,
    tokens,
  });
  const controller = new ExecutionsController({
    store: app.store,
    events: app.events,
    history,
    integrations,
    readItems: artifactItemReader(app.artifacts),
    owner: replicaIdentity(),
    logger: app.logger.child({ component: 'workflows' }),
  });
  executions.onChange = (name) => controller.kick(name);
  const builtins = registerBuiltinIntegrations(integrations, {
    app,
    training: options.training.service,
    executions,
  });
  const triggers = new TriggerService({ store: app.store, events: app.events, workflows, executions });
  const triggerController = new TriggerController({
    triggers,
    events: app.events,
    clock: app.store.clock,
    logger: app.logger.child({ component: 'triggers' }),
  });
  const artifactWatcher = new ArtifactWatcher({
    store: app.store,
    artifacts: app.artifacts,
    events: app.events,
    triggers,
    logger: app.logger.child({ component: 'artifact-watcher' }),
  });
  app.onClose(() => controller.close());
  app.onClose(() => triggerController.close());
  app.onClose(() => artifactWatcher.close());
  return {
    workflows,
    executions,
    controller,
    integrations,
    history,
    triggers,
    triggerController,
    artifactWatcher,
    routes(server) {
      workflowRoutes(server, { workflows, executions });
      triggerRoutes(server, triggers);
      builtins.routes(server);
    },
    start() {
      controller.start();
      triggerController.start();
      artifactWatcher.start();
    },
  };
}
