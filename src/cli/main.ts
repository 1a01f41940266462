/** The `slipway` command: a thin client of the REST API (except `up`). */
import { Command, CommanderError } from 'commander';
import { version } from '../app.ts';
import { isSlipwayError } from '../core/errors.ts';
import { registerHosting } from './commands/hosting.ts';
import { registerJobs } from './commands/jobs.ts';
import { registerRegistry } from './commands/registry.ts';
import { registerStatus } from './commands/status.ts';
import { registerToken } from './commands/token.ts';
import { registerTrain } from './commands/train.ts';
import { registerUp } from './commands/up.ts';
import { registerWorkflowCommands } from './commands/workflows-commands.ts';
import { exitCodeHelp, exitCodeOf } from './exit-codes.ts';
import { colour, printJson } from './output.ts';

const program = new Command('slipway')
  .version(version)
  .description('Slipway: self-hosted MLOps — train, deploy, register and automate models')
  .option('--url <url>', 'server URL (or SLIPWAY_URL; default http://127.0.0.1:7007)')
  .option('--token <token>', 'API token (or SLIPWAY_TOKEN; default: the admin token saved by `up`)')
  .option('--json', 'print machine-readable JSON')
  .addHelpText('after', exitCodeHelp)
  // Commander's own refusals (an unknown flag, a missing argument) become exit 2, not process.exit(1);
  // set before the commands are added, which copy it.
  .exitOverride();

registerUp(program);
registerStatus(program);
registerToken(program);
registerTrain(program);
registerJobs(program);
registerHosting(program);
registerWorkflowCommands(program);
registerRegistry(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Commander has already printed its message (or the help, or the version).
  if (error instanceof CommanderError) process.exitCode = exitCodeOf(error);
  else report(error);
}

function report(error: unknown): void {
  const json = Boolean(program.opts().json);
  if (isSlipwayError(error)) {
    if (json) printJson({ error: error.toJSON() });
    else process.stderr.write(`${colour.red('error:')} ${error.message} ${colour.dim(`(${error.code})`)}\n`);
  } else {
    if (json) printJson({ error: { code: 'SLIPWAY_CLI', message: (error as Error).message } });
    else process.stderr.write(`${colour.red('error:')} ${(error as Error).message}\n`);
  }
  process.exitCode = exitCodeOf(error);
}
