/** Pass: passes its input (or a fixed Result, or Parameters) to its output. */
import { evaluateJsonataTemplate } from '../jsonata/evaluate-jsonata.ts';
import {
  applyOutputPath,
  applyResultPath,
  applyTemplate,
  assignJsonPath,
  effectiveInput,
  finishJsonata,
  jsonataScope,
} from '../runtime/data-flow.ts';
import type { StateOutcome, StateScope } from '../runtime/runtime.ts';

export async function runPass(scope: StateScope): Promise<StateOutcome> {
  const next = scope.def.Next ?? null;
  if (scope.language === 'JSONata') {
    // JSONata Pass has no Result: Output (default: the input) does that job.
    if (scope.def.Output === undefined) {
      const assigned = scope.def.Assign
        ? ((await evaluateJsonataTemplate(scope.def.Assign, jsonataScope(scope))) as Record<string, never>)
        : undefined;
      return { output: scope.input, next, assigned };
    }
    return finishJsonata(scope, {}, scope.input, next);
  }
  const input = effectiveInput(scope);
  const result =
    scope.def.Result !== undefined
      ? scope.def.Result
      : applyTemplate(scope, scope.def.Parameters, input, 'Parameters');
  const assigned = assignJsonPath(scope, scope.def.Assign, result);
  return {
    output: applyOutputPath(scope, applyResultPath(scope, result, scope.def.ResultPath)),
    next,
    assigned,
  };
}
