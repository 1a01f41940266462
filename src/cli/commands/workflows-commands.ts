/** Registers the workflow domain's commands: `workflows …`, `executions …`, `triggers …` and `functions …`. */
import type { Command } from 'commander';
import { registerExecutions } from './executions.ts';
import { registerFunctions } from './functions.ts';
import { registerTriggers } from './triggers.ts';
import { registerWorkflows } from './workflows.ts';

export function registerWorkflowCommands(program: Command) {
  registerWorkflows(program);
  registerExecutions(program);
  registerTriggers(program);
  registerFunctions(program);
}
