/** `slipway functions …`: the functions that workflows' lambda:invoke Tasks call (admins register them). */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { invalid } from '../../core/errors.ts';
import { clientFor, globalsOf } from '../context.ts';
import { colour, formatTable, printDescribed, printJson } from '../output.ts';
import { collect, keyValues } from '../spec-file.ts';

type Described = Record<string, any>;

interface CreateOptions {
  module?: string;
  command?: string[];
  env?: string[];
  description?: string;
  timeoutSeconds?: string;
  memoryMb?: string;
}

const path = (name: string) => `/api/v1/functions/${encodeURIComponent(name)}`;

export function registerFunctions(program: Command) {
  const functions = program
    .command('functions')
    .description('functions that lambda:invoke Tasks call: a module or a command on the server host');

  functions
    .command('create <name>')
    .description(
      'register a function (admins only); the path is resolved here, so give one the server can read',
    )
    .option('--module <file>', 'a .ts/.js/.mjs module exporting handler(event)')
    .option('--command <command...>', 'a program and its arguments: the event on stdin, JSON on stdout')
    .option('--env <NAME=value>', 'a variable the function sees, repeatable', collect)
    .option('--description <text>', 'what it does')
    .option('--timeout-seconds <s>', 'stop it after this long (default 300, at most 900)')
    .option('--memory-mb <mb>', "a module's heap limit (default 512)")
    .action(async (name: string, options: CreateOptions, command: Command) => {
      if (Boolean(options.module) === Boolean(options.command))
        throw invalid('--module', 'give exactly one of --module or --command');
      const env = keyValues(options.env, '--env');
      const created = await clientFor(command).post<Described>('/api/v1/functions', {
        name,
        ...(options.module ? { module: resolve(options.module) } : {}),
        ...(options.command ? { command: options.command } : {}),
        ...(Object.keys(env).length ? { environment: env } : {}),
        ...(options.description ? { description: options.description } : {}),
        ...(options.timeoutSeconds
          ? { timeoutSeconds: whole(options.timeoutSeconds, '--timeout-seconds') }
          : {}),
        ...(options.memoryMb ? { memorySizeMb: whole(options.memoryMb, '--memory-mb') } : {}),
      });
      if (globalsOf(command).json) return printJson(created);
      process.stdout.write(`registered function ${colour.bold(created.name)}\n`);
    });

  functions.command('list').action(async (_options, command: Command) => {
    const { items } = await clientFor(command).get<{ items: Described[] }>('/api/v1/functions');
    if (globalsOf(command).json) return printJson(items);
    const rows = items.map((fn) => ({
      name: fn.name,
      runs: fn.module ?? fn.command.join(' '),
      timeout: `${fn.timeoutSeconds ?? 300}s`,
      creationTime: fn.creationTime,
    }));
    process.stdout.write(`${formatTable(rows, ['name', 'runs', 'timeout', 'creationTime'])}\n`);
  });

  functions.command('describe <name>').action(async (name: string, _options, command: Command) => {
    printDescribed(await clientFor(command).get(path(name)), globalsOf(command).json);
  });

  functions.command('delete <name>').action(async (name: string, _options, command: Command) => {
    await clientFor(command).delete(path(name));
    if (globalsOf(command).json) return printJson({ deleted: name });
    process.stdout.write(`deleted function ${name}\n`);
  });
}

function whole(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) throw invalid(flag, `"${text}" is not a whole number`);
  return Number(text);
}
