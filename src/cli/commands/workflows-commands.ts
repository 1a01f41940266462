/** Registers the workflow domain's commands: `workflows …` and `executions …`. */
import type { Command } from 'commander';
import { registerExecutions } from './executions.ts';
import { registerWorkflows } from './workflows.ts';

export function registerWorkflowCommands(program: Command) {
  registerWorkflows(program);
  registerExecutions(program);
}
