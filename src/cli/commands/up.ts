/** `slipway up`: start the server on the embedded defaults (or the configured backends). */

import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../core/config.ts';
import { invalid } from '../../core/errors.ts';
import { colour } from '../output.ts';

export function registerUp(program: Command) {
  program
    .command('up')
    .description('start the Slipway server (SQLite, local artifacts and the process runtime by default)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (default 7007)')
    .option(
      '--log-format <format>',
      'file: JSON lines in $SLIPWAY_HOME/logs/slipway.log (default); json: JSON lines on stdout, after the banner',
      'file',
    )
    .action(async (options: { host?: string; port?: string; logFormat: string }) => {
      if (!['file', 'json'].includes(options.logFormat))
        throw invalid('--log-format', `must be file or json, not "${options.logFormat}"`);
      const overrides: Record<string, unknown> = {};
      if (options.host) overrides.host = options.host;
      if (options.port) overrides.port = Number(options.port);
      const config = loadConfig({ overrides });
      const logFile = join(config.home, 'logs', 'slipway.log');
      // Loaded here so that thin-client commands do not pay for the server's imports.
      const { startSlipway } = await import('../../server.ts');
      const { createLogger } = await import('../../core/logging.ts');
      // The terminal gets the human banner; the structured log goes to a file unless asked for on stdout.
      const logger =
        options.logFormat === 'json'
          ? createLogger(config.logLevel)
          : createLogger(config.logLevel, logDestination(logFile));
      const running = await startSlipway(config, { logger });
      const home = shortPath(config.home);
      const lines = [
        `${colour.green('Slipway is up')} at ${colour.bold(running.url)}`,
        `  database:  ${running.app.store.description}`,
        `  artifacts: ${running.app.artifacts.defaultStore.rootUri}`,
        `  logs:      ${options.logFormat === 'json' ? 'JSON lines on stdout' : shortPath(logFile)}`,
      ];
      if (!config.authEnabled) lines.push(colour.yellow('  auth is OFF (loopback only)'));
      else if (running.initialAdmin) {
        lines.push(
          `  an admin token was created and saved in ${running.initialAdmin.file} (mode 0600). Use it with:`,
          `    export SLIPWAY_TOKEN=$(cat ${home}/admin-token)`,
          `    curl -H "Authorization: Bearer $SLIPWAY_TOKEN" ${running.url}/api/v1/status`,
        );
      } else {
        lines.push(`  the admin token is in ${home}/admin-token; the CLI reads it, or set SLIPWAY_TOKEN`);
      }
      lines.push(colour.dim('  stop with Ctrl-C'));
      process.stdout.write(`${lines.join('\n')}\n`);

      const stop = async (signal: string) => {
        running.app.logger.info({ signal }, 'shutting down');
        await running.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
    });
}

/** A path relative to the working directory when it lies inside it, else absolute. */
function shortPath(path: string): string {
  const fromHere = relative(process.cwd(), path);
  return fromHere && !fromHere.startsWith('..') ? fromHere : path;
}

function logDestination(file: string): NodeJS.WritableStream {
  mkdirSync(dirname(file), { recursive: true });
  return createWriteStream(file, { flags: 'a', mode: 0o600 });
}
