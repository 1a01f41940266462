/** `slipway experiments list|show`: experiments and their runs. */
import type { Command } from 'commander';
import { clientFor, globalsOf } from '../context.ts';
import { colour, formatTable, printJson } from '../output.ts';
import { runColumns, runRows } from './runs.ts';

type Described = Record<string, any>;

export function registerExperiments(program: Command) {
  const experiments = program.command('experiments').description('experiments: named groups of runs');
  experiments
    .command('list')
    .description('list experiments, newest first')
    .option('--limit <n>', 'at most this many', '50')
    .action(async (options: { limit: string }, command: Command) => {
      const { items } = await clientFor(command).get<{ items: Described[] }>('/api/v1/experiments', {
        limit: options.limit,
      });
      if (globalsOf(command).json) return printJson(items);
      const rows = items.map((e) => ({
        name: e.experimentName,
        runs: e.runCount,
        created: e.creationTime,
        description: e.description,
      }));
      process.stdout.write(`${formatTable(rows, ['name', 'runs', 'created', 'description'])}\n`);
    });
  experiments
    .command('show <name>')
    .description('an experiment and its runs (best first with --order-by)')
    .option('--order-by <order>', "e.g. 'metrics.accuracy desc'")
    .option('--limit <n>', 'at most this many runs', '20')
    .action(async (name: string, options: { orderBy?: string; limit: string }, command: Command) => {
      const client = clientFor(command);
      const experiment = await client.get<Described>(`/api/v1/experiments/${encodeURIComponent(name)}`);
      const { items } = await client.get<{ items: Described[] }>('/api/v1/runs', {
        experimentName: name,
        orderBy: options.orderBy,
        limit: options.limit,
      });
      if (globalsOf(command).json) return printJson({ ...experiment, runs: items });
      process.stdout.write(
        `${colour.bold(experiment.experimentName)}  ${experiment.runCount} run(s), created ${experiment.creationTime}\n`,
      );
      if (experiment.description) process.stdout.write(`${experiment.description}\n`);
      process.stdout.write(`\n${formatTable(runRows(items), runColumns)}\n`);
    });
}
