/**
 * Task integrations by resource ARN, in the Step Functions style. A handler is registered for a
 * base resource (`arn:aws:states:::sagemaker:createTrainingJob`); the integration pattern comes
 * from the ARN's suffix: none = request-response, `.sync` (or `.sync:2`) = run to completion,
 * `.waitForTaskToken` = start, then wait for a callback with the task token. Domains add their
 * own (hosting: createModel, createEndpoint …) with `register` at wiring time.
 */
import { type Json, type MachineDefinition, TaskError, type TaskRequest } from '../asl/index.ts';
import { WorkflowErrors } from '../errors.ts';
import type { TaskTokens } from './task-tokens.ts';

export type IntegrationPattern = 'request-response' | 'sync' | 'wait-for-task-token';

export interface IntegrationHandler {
  /** Request-response: start the work, return its immediate answer. */
  run(request: TaskRequest): Promise<Json>;
  /** `.sync`: start the work and resolve with its final description once it ends. */
  sync?(request: TaskRequest): Promise<Json>;
  /** Checks the Parameters at workflow create time where they are static; throws naming the field. */
  check?(parameters: Json | undefined, field: string): void;
}

export interface ParsedResource {
  base: string;
  pattern: IntegrationPattern;
}

export function parseResource(resource: string): ParsedResource {
  if (resource.endsWith('.waitForTaskToken'))
    return { base: resource.slice(0, -'.waitForTaskToken'.length), pattern: 'wait-for-task-token' };
  const sync = /\.sync(:\d+)?$/.exec(resource);
  if (sync) return { base: resource.slice(0, sync.index), pattern: 'sync' };
  return { base: resource, pattern: 'request-response' };
}

/** Resources matched by a prefix (e.g. `arn:aws:lambda:…:function:NAME`) rather than exactly. */
interface PrefixHandler {
  prefix: string;
  handler: (suffix: string) => IntegrationHandler;
}

export class IntegrationRegistry {
  private readonly handlers = new Map<string, IntegrationHandler>();
  private readonly prefixes: PrefixHandler[] = [];

  constructor(private readonly tokens: TaskTokens) {}

  /** Registers (or replaces) the handler for a base resource ARN. */
  register(resource: string, handler: IntegrationHandler): void {
    this.handlers.set(resource, handler);
  }

  registerPrefix(prefix: string, handler: (suffix: string) => IntegrationHandler): void {
    this.prefixes.push({ prefix, handler });
  }

  known(): string[] {
    return [...this.handlers.keys(), ...this.prefixes.map((p) => `${p.prefix}*`)].sort();
  }

  private lookup(base: string): IntegrationHandler | undefined {
    const exact = this.handlers.get(base);
    if (exact) return exact;
    const prefix = this.prefixes.find((p) => base.startsWith(p.prefix) && base.length > p.prefix.length);
    return prefix?.handler(base.slice(prefix.prefix.length));
  }

  /** Throws a validation error naming the field when a resource or its pattern is not supported. */
  checkResource(resource: string, field: string, parameters?: Json): void {
    const { base, pattern } = parseResource(resource);
    const handler = this.lookup(base);
    if (!handler) throw WorkflowErrors.unknownResource({ field, resource, known: this.known().join(', ') });
    if (pattern === 'sync' && !handler.sync)
      throw WorkflowErrors.unknownResource({
        field,
        resource,
        known: `${base} has no .sync pattern; use it without .sync`,
      });
    // A JSONata Arguments expression (a string) is only known at run time.
    if (typeof parameters !== 'string')
      handler.check?.(parameters, field.replace(/\.Resource$/, '.Parameters'));
  }

  /** Checks every Task resource of a definition, nested machines included. */
  checkDefinition(definition: MachineDefinition, prefix = ''): void {
    for (const [name, state] of Object.entries(definition.States)) {
      const field = `${prefix}States.${name}`;
      if (state.Type === 'Task' && typeof state.Resource === 'string')
        this.checkResource(state.Resource, `${field}.Resource`, state.Parameters ?? state.Arguments);
      for (const [index, branch] of (state.Branches ?? []).entries())
        this.checkDefinition(branch, `${field}.Branches[${index}].`);
      const processor = state.ItemProcessor ?? state.Iterator;
      if (processor)
        this.checkDefinition(processor, `${field}.${state.ItemProcessor ? 'ItemProcessor' : 'Iterator'}.`);
    }
  }

  /** The engine's invokeTask. */
  async invoke(request: TaskRequest): Promise<Json> {
    const { base, pattern } = parseResource(request.resource);
    const handler = this.lookup(base);
    if (!handler) throw new TaskError('States.Runtime', `no task integration for ${request.resource}`);
    if (pattern === 'sync') return handler.sync!(request);
    if (pattern === 'request-response') return handler.run(request);
    const token = request.taskToken!;
    // Register before starting the work: a fast worker may call back before `run` resolves.
    const outcome = this.tokens.wait(token, request);
    try {
      await handler.run(request);
    } catch (error) {
      this.tokens.cancel(token);
      throw error;
    }
    return outcome;
  }
}
