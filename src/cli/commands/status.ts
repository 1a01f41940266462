import type { Command } from 'commander';
import { clientFor, globalsOf } from '../context.ts';
import { printJson } from '../output.ts';

const modeMeaning = {
  'single-user':
    'requests may name the artifact store, the data roots and your own folders (home, temp, the server’s folder)',
  team: 'requests may name only the artifact store and the data roots',
};

function userCodePlace(mode: { processRuntime: string; teamImage?: string }): string {
  if (mode.processRuntime === 'allowed')
    return 'on this host as the server’s user, or in the image a request names';
  return `in a container only: the image a request names${mode.teamImage ? `, else ${mode.teamImage}` : ''}`;
}

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
          `mode:      ${status.trustMode.mode} (${status.trustMode.reason})`,
          `           ${modeMeaning[status.trustMode.mode]}`,
          `user code: ${userCodePlace(status.trustMode)}`,
          ...(status.trustMode.dataRoots.length
            ? [`data:      ${status.trustMode.dataRoots.join(', ')}`]
            : []),
          `you:       ${status.principal.name} (${status.principal.role})`,
        ].join('\n') + '\n',
      );
    });
}
