/** `slipway triggers …`: what starts a workflow without a person (a schedule, an event, a webhook). */
import type { Command } from 'commander';
import { invalid } from '../../core/errors.ts';
import { clientFor, globalsOf } from '../context.ts';
import { colour, formatTable, printJson } from '../output.ts';

type Described = Record<string, any>;

interface CreateOptions {
  workflow: string;
  cron?: string;
  timezone?: string;
  rate?: string;
  onEvent?: string;
  prefix?: string;
  webhook?: boolean;
  input?: string;
  description?: string;
}

const path = (name: string) => `/api/v1/triggers/${encodeURIComponent(name)}`;

/** The trigger spec the flags describe (the server checks it and names any bad field). */
export function triggerSpec(name: string, options: CreateOptions): Record<string, unknown> {
  let input: unknown;
  if (options.input !== undefined) {
    try {
      input = JSON.parse(options.input);
    } catch (error) {
      throw invalid('--input', `is not valid JSON text: ${(error as Error).message}`);
    }
  }
  const schedule =
    options.cron || options.rate
      ? {
          ...(options.cron ? { cron: options.cron } : {}),
          ...(options.rate ? { rate: options.rate } : {}),
          ...(options.timezone ? { timezone: options.timezone } : {}),
        }
      : undefined;
  const event = options.onEvent
    ? { type: options.onEvent, ...(options.prefix ? { detailPrefix: { uri: options.prefix } } : {}) }
    : undefined;
  return {
    name,
    workflowName: options.workflow,
    ...(schedule ? { schedule } : {}),
    ...(event ? { event } : {}),
    ...(options.webhook ? { webhook: true } : {}),
    ...(input !== undefined ? { input } : {}),
    ...(options.description ? { description: options.description } : {}),
  };
}

function summary(trigger: Described): string {
  if (trigger.schedule)
    return [trigger.schedule.cron ?? trigger.schedule.rate, trigger.schedule.timezone]
      .filter(Boolean)
      .join(' ');
  if (trigger.event)
    return `${trigger.event.type}${trigger.event.detailPrefix?.uri ? ` under ${trigger.event.detailPrefix.uri}` : ''}`;
  return 'webhook';
}

export function registerTriggers(program: Command) {
  const triggers = program
    .command('triggers')
    .description('triggers: start a workflow on a schedule, on an event or from a webhook');

  triggers
    .command('create <name>')
    .description('create a trigger: one of --cron/--rate, --on-event, --webhook')
    .requiredOption('--workflow <name>', 'the workflow it starts')
    .option('--cron <expression>', "cron, e.g. '0 6 * * MON' (5 fields) or AWS's cron(0 6 ? * MON *)")
    .option('--timezone <zone>', 'IANA time zone of --cron, e.g. Europe/Paris')
    .option('--rate <rate>', "e.g. 'rate(1 hour)'")
    .option('--on-event <type>', 'an event type, e.g. model-package.approved or artifact.created')
    .option('--prefix <uri>', 'with --on-event artifact.created: a new object under this prefix')
    .option('--webhook', 'started by POST /api/v1/triggers/<name>/webhook')
    .option(
      '--input <json>',
      'the execution input; keys ending in .$ read the fire, e.g. {"DataUri.$":"$.event.detail.uri"}',
    )
    .option('--description <text>', 'what it is for')
    .action(async (name: string, options: CreateOptions, command: Command) => {
      const created = await clientFor(command).post<Described>(
        '/api/v1/triggers',
        triggerSpec(name, options),
      );
      if (globalsOf(command).json) return printJson(created);
      process.stdout.write(
        `created trigger ${colour.bold(created.name)}: ${summary(created)} → ${created.workflowName}\n`,
      );
    });

  triggers
    .command('list')
    .description('list triggers')
    .action(async (_options, command: Command) => {
      const { items } = await clientFor(command).get<{ items: Described[] }>('/api/v1/triggers');
      if (globalsOf(command).json) return printJson(items);
      const rows = items.map((t) => ({
        name: t.name,
        workflow: t.workflowName,
        when: summary(t),
        state: t.state,
        fires: t.fires,
        lastExecution: t.lastExecution,
        lastError: t.lastError,
      }));
      process.stdout.write(
        `${formatTable(rows, ['name', 'workflow', 'when', 'state', 'fires', 'lastExecution', 'lastError'])}\n`,
      );
    });

  triggers
    .command('describe <name>')
    .description('show a trigger: its rule, input template, fires and last error')
    .action(async (name: string, _options, command: Command) => {
      const trigger = await clientFor(command).get<Described>(path(name));
      if (globalsOf(command).json) return printJson(trigger);
      const lines = [
        `${colour.bold(trigger.name)}  ${trigger.state}  ${summary(trigger)} → ${trigger.workflowName}`,
        `fires: ${trigger.fires}${trigger.lastFireTime ? `, last at ${trigger.lastFireTime}` : ''}${trigger.lastExecution ? `, last execution ${trigger.lastExecution}` : ''}`,
      ];
      if (trigger.input) lines.push(`input: ${JSON.stringify(trigger.input)}`);
      if (trigger.lastError) lines.push(`last error: ${trigger.lastError}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  for (const verb of ['enable', 'disable'] as const)
    triggers
      .command(`${verb} <name>`)
      .description(`${verb} a trigger`)
      .action(async (name: string, _options, command: Command) => {
        const trigger = await clientFor(command).post<Described>(`${path(name)}/${verb}`);
        if (globalsOf(command).json) return printJson(trigger);
        process.stdout.write(`${trigger.name}: ${trigger.state}\n`);
      });

  triggers
    .command('delete <name>')
    .description('delete a trigger')
    .action(async (name: string, _options, command: Command) => {
      await clientFor(command).delete(path(name));
      if (globalsOf(command).json) return printJson({ deleted: name });
      process.stdout.write(`deleted trigger ${name}\n`);
    });
}
