/**
 * Input and output processing of a state, for both query languages.
 * JSONPath: InputPath → Parameters → (work) → ResultSelector → ResultPath → OutputPath, where a
 * null InputPath/OutputPath means `{}` and a null ResultPath discards the result.
 * JSONata: Arguments → (work) → Output (default: the result) and Assign, evaluated together with
 * the variables as they were when the state was entered.
 */
import { StatesError, StatesErrorNames } from '../errors.ts';
import { evaluateJsonataTemplate, type JsonataScope } from '../jsonata/evaluate-jsonata.ts';
import { PathNotFoundError, type PathScope, readPath } from '../jsonpath/evaluate-path.ts';
import { ResultPathMatchError, writePath } from '../jsonpath/write-path.ts';
import { applyPayloadTemplate } from '../payload-template.ts';
import type { Json, JsonObject } from '../types.ts';
import { contextObject, type StateOutcome, type StateScope } from './runtime.ts';

export function pathScope(scope: StateScope, input: Json, context?: Json): PathScope {
  // The context object is built only when a path actually reads `$$` (most never do).
  let built = context;
  return {
    input,
    get context() {
      built ??= contextObject(scope);
      return built;
    },
    variables: scope.machine.variables,
  };
}

export function jsonataScope(
  scope: StateScope,
  extra: { result?: Json; errorOutput?: Json; context?: Json } = {},
): JsonataScope {
  const states: JsonataScope['states'] = {
    input: scope.input,
    context: extra.context ?? contextObject(scope),
  };
  if (extra.result !== undefined) states.result = extra.result;
  if (extra.errorOutput !== undefined) states.errorOutput = extra.errorOutput;
  return { states, variables: scope.machine.variables, env: scope.rt.env };
}

function readRequired(source: string, paths: PathScope, field: string): Json {
  try {
    return readPath(source, paths);
  } catch (error) {
    if (error instanceof PathNotFoundError)
      throw new StatesError(
        StatesErrorNames.Runtime,
        `An error occurred while executing the state '${field.split('.')[0]}'. The JSONPath '${source}' specified for the field '${field.split('.').slice(1).join('.')}' could not be found in the input`,
      );
    throw error;
  }
}

/** InputPath: selects the effective input from the raw input. */
export function effectiveInput(scope: StateScope): Json {
  const { InputPath } = scope.def;
  if (InputPath === null) return {};
  if (InputPath === undefined || InputPath === '$') return scope.input;
  return readRequired(InputPath, pathScope(scope, scope.input), `${scope.name}.InputPath`);
}

/** Parameters (or another payload template field) applied to the effective input. */
export function applyTemplate(
  scope: StateScope,
  template: Json | undefined,
  input: Json,
  field: string,
  context?: Json,
): Json {
  if (template === undefined) return input;
  return applyPayloadTemplate(
    template,
    pathScope(scope, input, context),
    scope.rt.env,
    `${scope.name}.${field}`,
  );
}

export function applyResultPath(
  scope: StateScope,
  result: Json,
  resultPath: string | null | undefined,
): Json {
  if (resultPath === null) return scope.input;
  if (resultPath === undefined || resultPath === '$') return result;
  try {
    return writePath(scope.input, resultPath, result);
  } catch (error) {
    if (error instanceof ResultPathMatchError)
      throw new StatesError(StatesErrorNames.ResultPathMatchFailure, error.message);
    throw error;
  }
}

export function applyOutputPath(scope: StateScope, value: Json): Json {
  const { OutputPath } = scope.def;
  if (OutputPath === null) return {};
  if (OutputPath === undefined || OutputPath === '$') return value;
  return readRequired(OutputPath, pathScope(scope, value), `${scope.name}.OutputPath`);
}

/** JSONPath Assign: `.$` values are read with `$` = the state result (after ResultSelector). */
export function assignJsonPath(
  scope: StateScope,
  assign: JsonObject | undefined,
  value: Json,
): Record<string, Json> | undefined {
  if (!assign) return undefined;
  return applyPayloadTemplate(
    assign,
    pathScope(scope, value),
    scope.rt.env,
    `${scope.name}.Assign`,
  ) as Record<string, Json>;
}

/** The JSONPath tail of Task, Parallel and Map: ResultSelector, Assign, ResultPath, OutputPath. */
export function finishJsonPath(scope: StateScope, result: Json, next: string | null): StateOutcome {
  const selected = applyTemplate(scope, scope.def.ResultSelector, result, 'ResultSelector');
  const assigned = assignJsonPath(scope, scope.def.Assign, selected);
  const output = applyOutputPath(scope, applyResultPath(scope, selected, scope.def.ResultPath));
  return { output, next, assigned };
}

/** The JSONata tail of a state: Output (default: the fallback) and Assign. */
export async function finishJsonata(
  scope: StateScope,
  extra: { result?: Json; errorOutput?: Json },
  fallback: Json,
  next: string | null,
  fields: { Output?: Json; Assign?: JsonObject } = scope.def,
): Promise<StateOutcome> {
  const jsonata = jsonataScope(scope, extra);
  const output =
    fields.Output === undefined ? fallback : await evaluateJsonataTemplate(fields.Output, jsonata);
  const assigned = fields.Assign
    ? ((await evaluateJsonataTemplate(fields.Assign, jsonata)) as Record<string, Json>)
    : undefined;
  return { output, next, assigned };
}

/** Reads a numeric field that may be a literal, a JSONata expression or given by a `...Path` field. */
export async function numericField(
  scope: StateScope,
  value: number | string | undefined,
  path: string | undefined,
  field: string,
  input: Json,
): Promise<number | undefined> {
  let resolved: Json | undefined = value;
  if (typeof value === 'string') resolved = await evaluateJsonataTemplate(value, jsonataScope(scope));
  else if (path !== undefined)
    resolved = readRequired(path, pathScope(scope, input), `${scope.name}.${field}Path`);
  if (resolved === undefined) return undefined;
  if (typeof resolved !== 'number' || !Number.isFinite(resolved) || resolved < 0)
    throw new StatesError(
      StatesErrorNames.Runtime,
      `${scope.name}.${field}: expected a non-negative number, got ${JSON.stringify(resolved)}`,
    );
  return resolved;
}
