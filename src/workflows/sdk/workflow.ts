/**
 * A workflow written with the SDK: its ASL definition, CloudFormation export, graph, and the
 * calls that register and run it on a Slipway server through the REST client. A pipeline file
 * exports one as its default export for `slipway workflows deploy pipeline.ts`.
 */
import { SlipwayClient } from '../../sdk/client.ts';
import { type MachineDefinition, type QueryLanguage, validateDefinition } from '../asl/index.ts';
import type { Chain } from './chain.ts';
import { toCloudFormationTemplate } from './cloudformation.ts';
import { machineOf } from './collect.ts';
import { buildGraph, stateStatuses } from './graph-model.ts';
import type { ExecutionInput } from './placeholders.ts';
import { renderMermaid } from './render-mermaid.ts';
import { renderSvg } from './render-svg.ts';
import type { Step } from './steps/step.ts';

type Described = Record<string, any>;

export interface WorkflowOptions {
  name: string;
  definition: Step | Chain;
  /** The role the state machine runs as (exported as a CloudFormation parameter). */
  role?: string;
  comment?: string;
  timeoutSeconds?: number;
  queryLanguage?: QueryLanguage;
  description?: string;
  /** Declares (and checks at execute) the execution input the steps' placeholders read. */
  executionInput?: ExecutionInput;
  /**
   * The functions its Lambda steps call, by name: a module (`{ module: '/abs/prepare.ts' }`) or a
   * command. `deploy` registers them with the workflow, so a pipeline file is all a server needs.
   */
  functions?: Record<string, { module: string } | { command: string[] }>;
  client?: SlipwayClient;
}

/** An execution started through the SDK. */
export class WorkflowExecution {
  constructor(
    readonly name: string,
    private readonly client: SlipwayClient,
    private readonly workflow: Workflow,
  ) {}

  describe(): Promise<Described> {
    return this.client.get<Described>(`/api/v1/executions/${encodeURIComponent(this.name)}`);
  }

  async history(): Promise<Described[]> {
    const events: Described[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.get<{ events: Described[]; nextToken?: string }>(
        `/api/v1/executions/${encodeURIComponent(this.name)}/history`,
        { nextToken },
      );
      events.push(...page.events);
      nextToken = page.nextToken;
    } while (nextToken);
    return events;
  }

  stop(options: { error?: string; cause?: string } = {}): Promise<Described> {
    return this.client.post(`/api/v1/executions/${encodeURIComponent(this.name)}/stop`, options);
  }

  /** Polls until the execution ends; resolves with its description. */
  async wait(options: { intervalMs?: number; timeoutMs?: number } = {}): Promise<Described> {
    const deadline = Date.now() + (options.timeoutMs ?? 24 * 3600_000);
    for (;;) {
      const described = await this.describe();
      if (described.status !== 'RUNNING') return described;
      if (Date.now() > deadline) throw new Error(`execution ${this.name} is still RUNNING`);
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
    }
  }

  /** The workflow's graph coloured by this execution's progress. */
  async renderProgress(format: 'mermaid' | 'svg' = 'mermaid'): Promise<string> {
    return this.workflow.renderGraph({ format, execution: { events: await this.history() } });
  }
}

export class Workflow {
  readonly name: string;
  private readonly options: WorkflowOptions;

  constructor(options: WorkflowOptions) {
    this.name = options.name;
    this.options = options;
  }

  /** The ASL definition (validated: a mistake in the SDK code shows here, naming the state). */
  definition(): MachineDefinition {
    const machine = machineOf(this.options.definition);
    const definition: MachineDefinition = {
      ...(this.options.comment ? { Comment: this.options.comment } : {}),
      ...(this.options.queryLanguage ? { QueryLanguage: this.options.queryLanguage } : {}),
      ...machine,
      ...(this.options.timeoutSeconds !== undefined ? { TimeoutSeconds: this.options.timeoutSeconds } : {}),
    };
    validateDefinition(definition);
    return definition;
  }

  toJson(): string {
    return JSON.stringify(this.definition(), null, 2);
  }

  toCloudFormation() {
    return toCloudFormationTemplate({
      name: this.name,
      definition: this.definition(),
      roleArn: this.options.role,
      description: this.options.description,
    });
  }

  renderGraph(options: { format?: 'mermaid' | 'svg'; execution?: { events: Described[] } } = {}): string {
    const graph = buildGraph(this.definition());
    const statuses = options.execution ? stateStatuses(options.execution.events as never) : undefined;
    return options.format === 'svg' ? renderSvg(graph, statuses) : renderMermaid(graph, statuses);
  }

  /** The body of POST /api/v1/workflows for this workflow. */
  spec(): Record<string, unknown> {
    return {
      name: this.name,
      definition: this.definition(),
      ...(this.options.role ? { roleArn: this.options.role } : {}),
      ...(this.options.description ? { description: this.options.description } : {}),
    };
  }

  private client(client?: SlipwayClient): SlipwayClient {
    return client ?? this.options.client ?? new SlipwayClient();
  }

  create(client?: SlipwayClient): Promise<Described> {
    return this.client(client).post('/api/v1/workflows', this.spec());
  }

  update(client?: SlipwayClient): Promise<Described> {
    const { name, ...changes } = this.spec();
    return this.client(client).request('PUT', `/api/v1/workflows/${encodeURIComponent(this.name)}`, changes);
  }

  /** Registers its functions, then creates the workflow, or updates it when it exists. */
  async deploy(
    client?: SlipwayClient,
  ): Promise<{ action: 'created' | 'updated'; workflow: Described; functions: string[] }> {
    const functions = await this.deployFunctions(this.client(client));
    try {
      return { action: 'created', workflow: await this.create(client), functions };
    } catch (error) {
      if ((error as { kind?: string }).kind !== 'conflict') throw error;
      return { action: 'updated', workflow: await this.update(client), functions };
    }
  }

  /** Creates each declared function, or replaces one whose definition changed; returns their names. */
  private async deployFunctions(client: SlipwayClient): Promise<string[]> {
    const names: string[] = [];
    for (const [name, definition] of Object.entries(this.options.functions ?? {})) {
      const path = `/api/v1/functions/${encodeURIComponent(name)}`;
      const existing = await client.get<Described>(path).catch((error) => {
        if ((error as { kind?: string }).kind === 'not_found') return undefined;
        throw error;
      });
      const same =
        existing &&
        JSON.stringify([existing.module, existing.command]) ===
          JSON.stringify([
            (definition as { module?: string }).module,
            (definition as { command?: string[] }).command,
          ]);
      if (!same) {
        if (existing) await client.delete(path);
        await client.post('/api/v1/functions', { name, ...definition });
      }
      names.push(name);
    }
    return names;
  }

  async execute(
    options: { name?: string; inputs?: Record<string, unknown>; client?: SlipwayClient } = {},
  ): Promise<WorkflowExecution> {
    const client = this.client(options.client);
    this.options.executionInput?.validate(options.inputs ?? {});
    const started = await client.post<Described>(
      `/api/v1/workflows/${encodeURIComponent(this.name)}/executions`,
      {
        ...(options.name ? { name: options.name } : {}),
        input: options.inputs ?? {},
      },
    );
    return new WorkflowExecution(started.name, client, this);
  }

  async listExecutions(options: { status?: string; client?: SlipwayClient } = {}): Promise<Described[]> {
    const page = await this.client(options.client).get<{ items: Described[] }>('/api/v1/executions', {
      workflowName: this.name,
      statusFilter: options.status,
    });
    return page.items;
  }
}
