/** Evaluates a parsed intrinsic call: arguments first (paths read from the scope), then the function. */
import { PathNotFoundError, type PathScope, readPath } from '../jsonpath/evaluate-path.ts';
import type { Json } from '../types.ts';
import { arrayFunctions } from './array-functions.ts';
import { encodingFunctions } from './encoding-functions.ts';
import { hashFunctions } from './hash-function.ts';
import { type IntrinsicEnvironment, type IntrinsicFunction, intrinsicFailure } from './intrinsic-error.ts';
import { jsonFunctions } from './json-functions.ts';
import { mathFunctions } from './math-functions.ts';
import { type IntrinsicArgument, type IntrinsicCall, parseIntrinsic } from './parse-intrinsic.ts';
import { stringFunctions } from './string-functions.ts';

export const intrinsicFunctions: Record<string, IntrinsicFunction> = {
  ...arrayFunctions,
  ...encodingFunctions,
  ...hashFunctions,
  ...jsonFunctions,
  ...mathFunctions,
  ...stringFunctions,
};

// AWS allows at most 10 nested intrinsic calls within one field.
const maxDepth = 10;

export function evaluateIntrinsic(source: string, scope: PathScope, env: IntrinsicEnvironment): Json {
  return evaluateCall(parseIntrinsic(source), scope, env, 1) as Json;
}

function evaluateCall(
  call: IntrinsicCall,
  scope: PathScope,
  env: IntrinsicEnvironment,
  depth: number,
): unknown {
  if (depth > maxDepth) throw intrinsicFailure(call.name, `more than ${maxDepth} nested intrinsic functions`);
  const fn = intrinsicFunctions[call.name];
  if (!fn) throw intrinsicFailure(call.name, 'is not an intrinsic function');
  const args = call.args.map((arg) => evaluateArgument(arg, scope, env, depth));
  return fn(args, env);
}

function evaluateArgument(
  arg: IntrinsicArgument,
  scope: PathScope,
  env: IntrinsicEnvironment,
  depth: number,
) {
  if (arg.kind === 'literal') return arg.value;
  if (arg.kind === 'call') return evaluateCall(arg, scope, env, depth + 1);
  try {
    return readPath(arg.path, scope);
  } catch (error) {
    if (error instanceof PathNotFoundError) throw intrinsicFailure('argument', error.message);
    throw error;
  }
}
