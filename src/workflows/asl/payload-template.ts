/**
 * JSONPath payload templates (Parameters, ResultSelector, ItemSelector, Assign in JSONPath states):
 * a key ending in `.$` takes its value from a path or an intrinsic function call and loses the
 * suffix; other values are copied, recursing into objects and arrays.
 */
import { StatesError, StatesErrorNames } from './errors.ts';
import { evaluateIntrinsic } from './intrinsics/evaluate-intrinsic.ts';
import type { IntrinsicEnvironment } from './intrinsics/intrinsic-error.ts';
import { isIntrinsicCall } from './intrinsics/parse-intrinsic.ts';
import { PathNotFoundError, type PathScope, readPath } from './jsonpath/evaluate-path.ts';
import type { Json } from './types.ts';

export function applyPayloadTemplate(
  template: Json,
  scope: PathScope,
  env: IntrinsicEnvironment,
  field = 'Parameters',
): Json {
  if (Array.isArray(template)) return template.map((item) => applyPayloadTemplate(item, scope, env, field));
  if (template === null || typeof template !== 'object') return template;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$') && typeof value === 'string') {
      out[key.slice(0, -2)] = evaluateDynamicValue(value, scope, env, `${field}.${key}`);
    } else out[key] = applyPayloadTemplate(value, scope, env, field);
  }
  return out;
}

/** A `.$` value: an intrinsic call or a path. Missing paths are States.Runtime, as AWS reports them. */
export function evaluateDynamicValue(
  source: string,
  scope: PathScope,
  env: IntrinsicEnvironment,
  field: string,
): Json {
  if (isIntrinsicCall(source)) return evaluateIntrinsic(source, scope, env);
  try {
    return readPath(source, scope);
  } catch (error) {
    if (error instanceof PathNotFoundError)
      throw new StatesError(
        StatesErrorNames.Runtime,
        `the JSONPath ${source} specified for the field ${field} could not be found: ${error.message}`,
      );
    throw error;
  }
}
