/** `slipway executions list|describe|watch`: workflow executions. */
import type { Command } from 'commander';
import { stateFailures, stateStatuses } from '../../workflows/sdk/graph-model.ts';
import { clientFor, globalsOf } from '../context.ts';
import { failUnless } from '../exit-codes.ts';
import { colour, formatTable, printJson } from '../output.ts';
import { elapsed } from '../progress.ts';
import { Deadline, timeoutOption } from '../waiting.ts';
import { failureText, fetchHistory, watchExecution } from './executions-watch.ts';

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
        error:
          e.error !== undefined || e.cause !== undefined
            ? failureText({ error: e.error ?? '', cause: e.cause ?? '' }, 80)
            : undefined,
      }));
      process.stdout.write(
        `${formatTable(rows, ['name', 'workflow', 'status', 'started', 'elapsed', 'error'])}\n`,
      );
    });

  executions
    .command('describe <name>')
    .description(
      'show an execution: status, the error and cause of each failed or caught state, input, output',
    )
    .action(async (name: string, _options, command: Command) => {
      const client = clientFor(command);
      const described = await client.get<Described>(`/api/v1/executions/${encodeURIComponent(name)}`);
      const history = await fetchHistory(client, name);
      const statuses = stateStatuses(history as never);
      const failures = [...stateFailures(history as never)].map(([state, failure]) => ({
        state,
        status: statuses.get(state) ?? 'failed',
        ...failure,
      }));
      const parse = (text?: string) => (text === undefined ? undefined : JSON.parse(text));
      const input = parse(described.input);
      const output = parse(described.output);
      if (globalsOf(command).json) return printJson({ ...described, input, output, failures });
      const lines = [
        `${colour.bold(described.name)}  ${described.status}  workflow ${described.workflowName} (revision ${described.workflowRevision})`,
        `started ${described.startDate}${described.stopDate ? `, stopped ${described.stopDate}` : ''} (${elapsed(described.startDate, described.stopDate)})`,
      ];
      if (described.error !== undefined) lines.push(`error: ${described.error}`);
      if (described.cause) lines.push(`cause: ${described.cause}`);
      for (const failure of failures)
        lines.push(`${failure.status} in ${failure.state}: ${failureText(failure, 400)}`);
      lines.push(`input: ${JSON.stringify(input)}`);
      if (output !== undefined) lines.push(`output: ${JSON.stringify(output)}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  executions
    .command('watch <name>')
    .description('live per-state progress until the execution ends (exit 3 unless it SUCCEEDED)')
    .option('--interval <ms>', 'how often to refresh', '500')
    .option(...timeoutOption)
    .action(async (name: string, options: { interval: string; timeout?: string }, command: Command) => {
      const done = await watchExecution(clientFor(command), name, {
        intervalMs: Number(options.interval),
        deadline: Deadline.from(options.timeout),
      });
      failUnless(done.status, 'SUCCEEDED');
    });
}
