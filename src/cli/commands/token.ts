import type { Command } from 'commander';
import { clientFor, globalsOf } from '../context.ts';
import { formatTable, printJson } from '../output.ts';

interface TokenView {
  id: string;
  name: string;
  role: string;
  createdAt: string;
  revokedAt?: string;
}

export function registerToken(program: Command) {
  const token = program.command('token').description('manage API tokens (admin)');
  token
    .command('create')
    .description('create a token; its secret is printed once')
    .requiredOption('--role <role>', 'viewer, scientist, approver or admin')
    .option('--name <name>', 'a label for the token', 'cli')
    .action(async (options: { role: string; name: string }, command: Command) => {
      const created = await clientFor(command).post<{ token: string; info: TokenView }>(
        '/api/v1/tokens',
        options,
      );
      if (globalsOf(command).json) return printJson(created);
      process.stdout.write(`${created.token}\n`);
      process.stderr.write(
        `token ${created.info.id} (${created.info.role}) created; it is not shown again\n`,
      );
    });
  token
    .command('list')
    .description('list tokens')
    .action(async (_options, command: Command) => {
      const { items } = await clientFor(command).get<{ items: TokenView[] }>('/api/v1/tokens');
      if (globalsOf(command).json) return printJson(items);
      process.stdout.write(
        `${formatTable(items as never, ['id', 'name', 'role', 'createdAt', 'revokedAt'])}\n`,
      );
    });
  token
    .command('revoke <id>')
    .description('revoke a token')
    .action(async (id: string, _options, command: Command) => {
      await clientFor(command).delete(`/api/v1/tokens/${encodeURIComponent(id)}`);
      if (globalsOf(command).json) return printJson({ revoked: id });
      process.stdout.write(`revoked ${id}\n`);
    });
}
