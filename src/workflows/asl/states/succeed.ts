/** Succeed: ends the machine (or branch, or iteration) successfully. */
import { applyOutputPath, effectiveInput, finishJsonata } from '../runtime/data-flow.ts';
import type { StateOutcome, StateScope } from '../runtime/runtime.ts';

export async function runSucceed(scope: StateScope): Promise<StateOutcome> {
  if (scope.language === 'JSONata') return finishJsonata(scope, {}, scope.input, null);
  return { output: applyOutputPath(scope, effectiveInput(scope)), next: null };
}
