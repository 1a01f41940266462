/** The `slipway` command: a thin client of the REST API (except `up`). */
import { Command } from 'commander';
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
import { colour, printJson } from './output.ts';

const program = new Command('slipway')
  .version(version)
  .description('Slipway: self-hosted MLOps — train, deploy, register and automate models')
  .option('--url <url>', 'server URL (or SLIPWAY_URL; default http://127.0.0.1:7007)')
  .option('--token <token>', 'API token (or SLIPWAY_TOKEN; default: the admin token saved by `up`)')
  .option('--json', 'print machine-readable JSON');

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
  const json = Boolean(program.opts().json);
  if (isSlipwayError(error)) {
    if (json) printJson({ error: error.toJSON() });
    else process.stderr.write(`${colour.red('error:')} ${error.message} ${colour.dim(`(${error.code})`)}\n`);
  } else {
    if (json) printJson({ error: { code: 'SLIPWAY_CLI', message: (error as Error).message } });
    else process.stderr.write(`${colour.red('error:')} ${(error as Error).message}\n`);
  }
  process.exitCode = 1;
}
