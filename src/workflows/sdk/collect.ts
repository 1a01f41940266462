/** Turns a start step (or chain) into an ASL machine by walking every reachable step. */
import type { MachineDefinition, StateDefinition } from '../asl/index.ts';
import { Chain } from './chain.ts';
import type { Step } from './steps/step.ts';

export function startOf(definition: Step | Chain): Step {
  return definition instanceof Chain ? definition.first : definition;
}

export function reachableSteps(start: Step): Step[] {
  const seen = new Map<string, Step>();
  const queue = [start];
  while (queue.length > 0) {
    const step = queue.shift()!;
    const known = seen.get(step.stateId);
    if (known) {
      if (known !== step) throw new Error(`two different steps are named "${step.stateId}"`);
      continue;
    }
    seen.set(step.stateId, step);
    queue.push(...step.successors());
  }
  return [...seen.values()];
}

export function machineOf(definition: Step | Chain): MachineDefinition {
  const start = startOf(definition);
  const states: Record<string, StateDefinition> = {};
  for (const step of reachableSteps(start)) states[step.stateId] = step.toState();
  return { StartAt: start.stateId, States: states };
}
