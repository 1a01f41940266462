import type { Command } from 'commander';
import { clientFor, globalsOf } from '../context.ts';
import { printJson } from '../output.ts';

export function registerStatus(program: Command) {
  program
    .command('status')
    .description('show the server version, backends and who you are')
    .action(async (_options, command: Command) => {
      const status = await clientFor(command).status();
      if (globalsOf(command).json) return printJson(status);
      process.stdout.write(
        [
          `server:    ${clientFor(command).url} (Slipway ${status.version})`,
          `database:  ${status.database}`,
          `artifacts: ${status.artifacts}`,
          `you:       ${status.principal.name} (${status.principal.role})`,
        ].join('\n') + '\n',
      );
    });
}
