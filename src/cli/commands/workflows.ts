/** `slipway workflows …`: state machines (create, update, deploy a pipeline.ts, start, history, graph, export). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { tsImport } from 'tsx/esm/api';
import { stringify as toYaml } from 'yaml';
import { invalid } from '../../core/errors.ts';
import { toCloudFormationTemplate } from '../../workflows/sdk/cloudformation.ts';
import { buildGraph, stateStatuses } from '../../workflows/sdk/graph-model.ts';
import { renderMermaid } from '../../workflows/sdk/render-mermaid.ts';
import { renderSvg } from '../../workflows/sdk/render-svg.ts';
import type { Workflow } from '../../workflows/sdk/workflow.ts';
import { clientFor, globalsOf } from '../context.ts';
import { failUnless } from '../exit-codes.ts';
import { formatTable, printJson } from '../output.ts';
import { readSpecFile } from '../spec-file.ts';
import { Deadline, timeoutOption } from '../waiting.ts';
import { fetchHistory, watchExecution } from './executions-watch.ts';
import { registerRunLocal } from './workflows-run-local.ts';

type Described = Record<string, any>;

function definitionFrom(file: string): unknown {
  return readSpecFile(file);
}

function inputFrom(options: { input?: string; inputFile?: string }): unknown {
  if (options.inputFile) return readFileSync(options.inputFile, 'utf8');
  return options.input ?? '{}';
}

const path = (name: string) => `/api/v1/workflows/${encodeURIComponent(name)}`;

export function registerWorkflows(program: Command) {
  const workflows = program
    .command('workflows')
    .description('workflows (Amazon States Language state machines)');

  workflows
    .command('create <name>')
    .description('create a workflow from an ASL definition file (JSON or YAML)')
    .requiredOption('-d, --definition <file>', 'the ASL definition')
    .option('--role <arn>', 'the role ARN it runs as (recorded, exported to CloudFormation)')
    .option('--description <text>', 'a description')
    .action(
      async (
        name: string,
        options: { definition: string; role?: string; description?: string },
        command: Command,
      ) => {
        const created = await clientFor(command).post<Described>('/api/v1/workflows', {
          name,
          definition: definitionFrom(options.definition),
          ...(options.role ? { roleArn: options.role } : {}),
          ...(options.description ? { description: options.description } : {}),
        });
        if (globalsOf(command).json) return printJson(created);
        process.stdout.write(`${created.name}: created (revision ${created.revision})\n`);
      },
    );

  workflows
    .command('update <name>')
    .description('replace a workflow definition; running executions keep theirs')
    .requiredOption('-d, --definition <file>', 'the ASL definition')
    .action(async (name: string, options: { definition: string }, command: Command) => {
      const updated = await clientFor(command).request<Described>('PUT', path(name), {
        definition: definitionFrom(options.definition),
      });
      if (globalsOf(command).json) return printJson(updated);
      process.stdout.write(`${updated.name}: updated (revision ${updated.revision})\n`);
    });

  workflows
    .command('deploy <pipeline>')
    .description('register the Workflow a pipeline.ts exports (default export): create it, or update it')
    .action(async (file: string, _options, command: Command) => {
      let module: { default?: unknown };
      try {
        // tsImport compiles the pipeline as ESM wherever it lies (outside an ESM package too).
        module = await tsImport(pathToFileURL(resolve(file)).href, import.meta.url);
      } catch (error) {
        throw invalid('pipeline', `cannot load ${file}: ${(error as Error).message}`);
      }
      const workflow =
        typeof module.default === 'function' ? await (module.default as () => unknown)() : module.default;
      // Duck-typed: the pipeline may have loaded its own copy of the SDK, so instanceof would lie.
      const candidate = workflow as Partial<Workflow> | undefined;
      if (typeof candidate?.deploy !== 'function' || typeof candidate.definition !== 'function')
        throw invalid(
          'pipeline',
          `${file} must export a Workflow (from slipway's workflow SDK) as its default export`,
        );
      const {
        action,
        workflow: described,
        functions = [],
      } = await (candidate as Workflow).deploy(clientFor(command));
      if (globalsOf(command).json) return printJson({ action, workflow: described, functions });
      const registered = functions.length ? `; functions: ${functions.join(', ')}` : '';
      process.stdout.write(`${described.name}: ${action} (revision ${described.revision})${registered}\n`);
    });

  workflows
    .command('list')
    .description('list workflows, newest first')
    .option('--limit <n>', 'at most this many', '50')
    .action(async (options: { limit: string }, command: Command) => {
      const { items } = await clientFor(command).get<{ items: Described[] }>('/api/v1/workflows', {
        limit: options.limit,
      });
      if (globalsOf(command).json) return printJson(items);
      process.stdout.write(
        `${formatTable(items, ['name', 'revision', 'creationDate', 'updateDate', 'description'])}\n`,
      );
    });

  workflows
    .command('describe <name>')
    .description('show a workflow and its definition')
    .action(async (name: string, _options, command: Command) => {
      const described = await clientFor(command).get<Described>(path(name));
      printJson({ ...described, definition: JSON.parse(described.definition) });
    });

  workflows
    .command('delete <name>')
    .description('delete a workflow (it must have no RUNNING execution)')
    .action(async (name: string, _options, command: Command) => {
      await clientFor(command).delete(path(name));
      if (!globalsOf(command).json) process.stdout.write(`${name}: deleted\n`);
    });

  workflows
    .command('start <name>')
    .description('start an execution')
    .option('--input <json>', 'the input (JSON text)')
    .option('--input-file <file>', 'read the input from a JSON file')
    .option('--execution-name <name>', 'the execution name (default: a UUID)')
    .option('--watch', 'show per-state progress until it ends (exit 3 unless it SUCCEEDED)')
    .option(...timeoutOption)
    .action(
      async (
        name: string,
        options: {
          input?: string;
          inputFile?: string;
          executionName?: string;
          watch?: boolean;
          timeout?: string;
        },
        command: Command,
      ) => {
        const deadline = Deadline.from(options.timeout);
        const client = clientFor(command);
        const started = await client.post<Described>(`${path(name)}/executions`, {
          input: inputFrom(options),
          ...(options.executionName ? { name: options.executionName } : {}),
        });
        if (options.watch) {
          const done = await watchExecution(client, started.name, { deadline });
          failUnless(done.status, 'SUCCEEDED');
          return;
        }
        if (globalsOf(command).json) return printJson(started);
        process.stdout.write(`${started.name}: ${started.status}\n`);
      },
    );

  workflows
    .command('history <execution>')
    .description("an execution's history events")
    .action(async (execution: string, _options, command: Command) => {
      const events = await fetchHistory(clientFor(command), execution);
      if (globalsOf(command).json) return printJson(events);
      const rows = events.map((e) => {
        const details = Object.entries(e).find(([key]) => key.endsWith('EventDetails'))?.[1] as
          | Described
          | undefined;
        return {
          id: e.id,
          type: e.type,
          state: details?.name,
          error: details?.error,
          timestamp: e.timestamp,
        };
      });
      process.stdout.write(`${formatTable(rows, ['id', 'type', 'state', 'error', 'timestamp'])}\n`);
    });

  workflows
    .command('stop <execution>')
    .description('stop a RUNNING execution (it ends ABORTED)')
    .option('--error <name>', 'the error to record')
    .option('--cause <text>', 'the cause to record')
    .action(async (execution: string, options: { error?: string; cause?: string }, command: Command) => {
      const stopped = await clientFor(command).post<Described>(
        `/api/v1/executions/${encodeURIComponent(execution)}/stop`,
        options,
      );
      if (globalsOf(command).json) return printJson(stopped);
      process.stdout.write(`${stopped.name}: stop requested\n`);
    });

  workflows
    .command('graph <name>')
    .description('draw a workflow (Mermaid or SVG), optionally coloured by an execution')
    .option('--format <format>', 'mermaid or svg', 'mermaid')
    .option('--execution <name>', "colour the states by this execution's progress")
    .action(async (name: string, options: { format: string; execution?: string }, command: Command) => {
      if (options.format !== 'mermaid' && options.format !== 'svg')
        throw invalid('--format', 'must be mermaid or svg');
      const client = clientFor(command);
      const described = await client.get<Described>(path(name));
      const graph = buildGraph(JSON.parse(described.definition));
      const statuses = options.execution
        ? stateStatuses((await fetchHistory(client, options.execution)) as never)
        : undefined;
      process.stdout.write(
        options.format === 'svg' ? renderSvg(graph, statuses) : renderMermaid(graph, statuses),
      );
    });

  workflows
    .command('export <name>')
    .description('export a workflow as ASL JSON or an AWS CloudFormation template')
    .option('--format <format>', 'asl or cloudformation', 'asl')
    .option('--yaml', 'CloudFormation as YAML instead of JSON')
    .action(async (name: string, options: { format: string; yaml?: boolean }, command: Command) => {
      const described = await clientFor(command).get<Described>(path(name));
      const definition = JSON.parse(described.definition);
      if (options.format === 'asl') return printJson(definition);
      if (options.format !== 'cloudformation') throw invalid('--format', 'must be asl or cloudformation');
      const template = toCloudFormationTemplate({
        name,
        definition,
        roleArn: described.roleArn,
        description: described.description,
      });
      if (options.yaml) process.stdout.write(toYaml(template));
      else printJson(template);
    });

  registerRunLocal(workflows);
}
