/** `slipway executions list|describe|watch`: workflow executions. */
import type { Command } from 'commander';
import { clientFor, globalsOf } from '../context.ts';
import { formatTable, printJson } from '../output.ts';
import { elapsed } from '../progress.ts';
import { watchExecution } from './executions-watch.ts';

type Described = Record<string, any>;

export function registerExecutions(program: Command) {
  const executions = program.command('executions').description('workflow executions');

  executions
    .command('list')
    .description('list executions, newest first')
    .option('--workflow <name>', 'only this workflow')
    .option('--status <status>', 'RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED')
    .option('--limit <n>', 'at most this many', '50')
    .action(async (options: { workflow?: string; status?: string; limit: string }, command: Command) => {
      const { items } = await clientFor(command).get<{ items: Described[] }>('/api/v1/executions', {
        workflowName: options.workflow,
        statusFilter: options.status,
        limit: options.limit,
      });
      if (globalsOf(command).json) return printJson(items);
      const rows = items.map((e) => ({
        name: e.name,
        workflow: e.workflowName,
        status: e.status,
        started: e.startDate,
        elapsed: elapsed(e.startDate, e.stopDate),
        error: e.error,
      }));
      process.stdout.write(
        `${formatTable(rows, ['name', 'workflow', 'status', 'started', 'elapsed', 'error'])}\n`,
      );
    });

  executions
    .command('describe <name>')
    .description('show an execution: status, input, output, error')
    .action(async (name: string, _options, command: Command) => {
      const described = await clientFor(command).get<Described>(
        `/api/v1/executions/${encodeURIComponent(name)}`,
      );
      const parse = (text?: string) => (text === undefined ? undefined : JSON.parse(text));
      printJson({ ...described, input: parse(described.input), output: parse(described.output) });
    });

  executions
    .command('watch <name>')
    .description('live per-state progress until the execution ends (exit 1 unless it SUCCEEDED)')
    .option('--interval <ms>', 'how often to refresh', '500')
    .action(async (name: string, options: { interval: string }, command: Command) => {
      const done = await watchExecution(clientFor(command), name, { intervalMs: Number(options.interval) });
      if (done.status !== 'SUCCEEDED') process.exitCode = 1;
    });
}
