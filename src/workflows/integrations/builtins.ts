/** The task integrations every Slipway has: registered here, one file per service. */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.ts';
import type { TrainingService } from '../../training/service.ts';
import type { ExecutionService } from '../execution-service.ts';
import type { IntegrationRegistry } from './registry.ts';

export interface BuiltinIntegrationDeps {
  app: App;
  training: TrainingService;
  executions: ExecutionService;
}

export function registerBuiltinIntegrations(_registry: IntegrationRegistry, _deps: BuiltinIntegrationDeps) {
  return { routes(_server: FastifyInstance) {} };
}
