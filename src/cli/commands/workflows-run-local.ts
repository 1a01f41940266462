/**
 * `slipway workflows run-local <definition.json>`: runs a definition in memory, without a server,
 * with lambda:invoke functions from `--function NAME=path` and HTTP tasks. Prints the output JSON
 * (exit 0), or `{"error": …, "cause": …}` (exit 3) when the execution fails.
 */
import type { Command } from 'commander';
import { startExecution, systemCollaborators, validateDefinition } from '../../workflows/asl/index.ts';
import { parseInput } from '../../workflows/execution-service.ts';
import { registerLocalIntegrations } from '../../workflows/integrations/builtins.ts';
import { functionFromFlag, functionsInMemory } from '../../workflows/integrations/functions.ts';
import { IntegrationRegistry } from '../../workflows/integrations/registry.ts';
import { TaskTokens } from '../../workflows/integrations/task-tokens.ts';
import { exitCodes } from '../exit-codes.ts';
import { collect, readSpecFile } from '../spec-file.ts';

export function registerRunLocal(workflows: Command) {
  workflows
    .command('run-local <definition>')
    .description(
      'run an ASL definition (JSON or YAML file) in memory, without a server, and print its output',
    )
    .option('--input <json>', 'the execution input (JSON text)', '{}')
    .option(
      '--function <name=path>',
      'a function for lambda:invoke: a .ts/.js module or a command (repeatable)',
      collect,
    )
    .action(async (file: string, options: { input: string; function?: string[] }) => {
      const definition = readSpecFile(file, '<definition>');
      const input = parseInput(options.input, '--input');
      const registry = new IntegrationRegistry(new TaskTokens());
      registerLocalIntegrations(registry, functionsInMemory((options.function ?? []).map(functionFromFlag)));
      validateDefinition(definition);
      registry.checkDefinition(definition as never);
      const result = await startExecution({
        definition: definition as never,
        input,
        name: 'local',
        collaborators: { ...systemCollaborators, invokeTask: (request) => registry.invoke(request) },
      });
      if (result.status === 'SUCCEEDED') {
        process.stdout.write(`${JSON.stringify(result.output, null, 2)}\n`);
        return;
      }
      process.stdout.write(`${JSON.stringify({ error: result.error, cause: result.cause }, null, 2)}\n`);
      process.exitCode = exitCodes.failed;
    });
}
