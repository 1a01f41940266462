/** The task integrations every Slipway has, registered by resource ARN; one file per service. */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.ts';
import type { TrainingService } from '../../training/service.ts';
import type { ExecutionService } from '../execution-service.ts';
import { type FunctionDirectory, FunctionsService } from './functions.ts';
import { functionRoutes } from './functions-routes.ts';
import { httpInvokeIntegration, httpInvokeResource } from './http-invoke.ts';
import {
  lambdaFunctionIntegration,
  lambdaFunctionPrefix,
  lambdaInvokeIntegration,
  lambdaInvokeResource,
} from './lambda-invoke.ts';
import type { IntegrationRegistry } from './registry.ts';
import { createTrainingJobResource, sagemakerTrainingIntegration } from './sagemaker-training.ts';
import { startExecutionIntegration, startExecutionResource } from './states-start-execution.ts';

export interface BuiltinIntegrationDeps {
  app: App;
  training: TrainingService;
  executions: ExecutionService;
}

/** Hosts (besides loopback) HTTP tasks may call: SLIPWAY_HTTP_TASK_ALLOWED_HOSTS, comma-separated. */
export function allowedHttpHosts(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.SLIPWAY_HTTP_TASK_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((host) => host.trim())
    .filter(Boolean);
}

/** Integrations that need no server (run-local has these too). */
export function registerLocalIntegrations(registry: IntegrationRegistry, functions: FunctionDirectory) {
  registry.register(lambdaInvokeResource, lambdaInvokeIntegration(functions));
  registry.registerPrefix(lambdaFunctionPrefix, (suffix) =>
    lambdaFunctionIntegration(functions, lambdaFunctionPrefix + suffix),
  );
  registry.register(httpInvokeResource, httpInvokeIntegration({ allowedHosts: allowedHttpHosts() }));
}

export function registerBuiltinIntegrations(registry: IntegrationRegistry, deps: BuiltinIntegrationDeps) {
  const functions = new FunctionsService(deps.app.store);
  registerLocalIntegrations(registry, functions);
  registry.register(
    createTrainingJobResource,
    sagemakerTrainingIntegration({ training: deps.training, events: deps.app.events }),
  );
  registry.register(
    startExecutionResource,
    startExecutionIntegration({ executions: deps.executions, events: deps.app.events }),
  );
  return {
    functions,
    routes(server: FastifyInstance) {
      functionRoutes(server, functions);
    },
  };
}
