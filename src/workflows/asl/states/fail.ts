/** Fail: ends the machine with an error name and cause (static, from a path, or from JSONata). */
import { StatesError, StatesErrorNames } from '../errors.ts';
import { evaluateJsonataTemplate } from '../jsonata/evaluate-jsonata.ts';
import { evaluateDynamicValue } from '../payload-template.ts';
import { jsonataScope, pathScope } from '../runtime/data-flow.ts';
import type { StateOutcome, StateScope } from '../runtime/runtime.ts';
import type { Json } from '../types.ts';

export async function runFail(scope: StateScope): Promise<StateOutcome> {
  const { def } = scope;
  const text = async (
    value: string | undefined,
    path: string | undefined,
    field: string,
  ): Promise<string> => {
    let resolved: Json | undefined = value;
    if (scope.language === 'JSONata' && value !== undefined)
      resolved = await evaluateJsonataTemplate(value, jsonataScope(scope));
    else if (path !== undefined)
      resolved = evaluateDynamicValue(
        path,
        pathScope(scope, scope.input),
        scope.rt.env,
        `${scope.name}.${field}`,
      );
    if (resolved === undefined) return '';
    if (typeof resolved !== 'string')
      throw new StatesError(
        StatesErrorNames.Runtime,
        `${scope.name}.${field}: expected a string, got ${JSON.stringify(resolved)}`,
      );
    return resolved;
  };
  const error = await text(def.Error, def.ErrorPath, 'ErrorPath');
  const cause = await text(def.Cause, def.CausePath, 'CausePath');
  throw new FailStateError(error, cause);
}

/** Distinguishes a Fail state's error from a failure to run it (neither is retried: Fail has no Retry). */
export class FailStateError extends StatesError {}
