/**
 * Syntax checks for the strings a definition embeds: JSONPath paths, intrinsic calls in `.$`
 * values, and `{% %}` JSONata expressions, so a typo fails at create time rather than mid-run.
 */
import { intrinsicFunctions } from '../intrinsics/evaluate-intrinsic.ts';
import { type IntrinsicArgument, isIntrinsicCall, parseIntrinsic } from '../intrinsics/parse-intrinsic.ts';
import { compileJsonata, isJsonataExpression } from '../jsonata/evaluate-jsonata.ts';
import { parsePath } from '../jsonpath/parse-path.ts';
import type { QueryLanguage } from '../types.ts';
import { isObject, type Problems } from './problems.ts';

export function checkPath(
  problems: Problems,
  field: string,
  value: unknown,
  options: { reference?: boolean; nullable?: boolean } = {},
) {
  if (value === null && options.nullable) return;
  if (typeof value !== 'string') {
    problems.add(field, options.nullable ? 'must be a JSONPath string or null' : 'must be a JSONPath string');
    return;
  }
  try {
    const path = parsePath(value);
    if (options.reference && !path.reference)
      problems.add(field, `"${value}" must be a reference path ($ followed by field names and indices only)`);
  } catch (error) {
    problems.add(field, (error as Error).message);
  }
}

/** A `.$` value: a path or an intrinsic function call. */
export function checkDynamicValue(problems: Problems, field: string, value: unknown) {
  if (typeof value !== 'string') {
    problems.add(field, 'a key ending in ".$" must have a path or intrinsic function string as value');
    return;
  }
  if (isIntrinsicCall(value)) {
    try {
      const visit = (arg: IntrinsicArgument) => {
        if (arg.kind === 'call') {
          if (!intrinsicFunctions[arg.name]) problems.add(field, `${arg.name} is not an intrinsic function`);
          for (const inner of arg.args) visit(inner);
        } else if (arg.kind === 'path') checkPath(problems, field, arg.path);
      };
      visit(parseIntrinsic(value));
    } catch (error) {
      problems.add(field, (error as Error).message);
    }
    return;
  }
  checkPath(problems, field, value);
}

/** Payload templates (Parameters, ResultSelector, ItemSelector, Assign in JSONPath). */
export function checkPayloadTemplate(problems: Problems, field: string, value: unknown) {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) checkPayloadTemplate(problems, `${field}[${i}]`, item);
    return;
  }
  if (!isObject(value)) return;
  for (const [key, item] of Object.entries(value)) {
    if (key.endsWith('.$')) checkDynamicValue(problems, `${field}.${key}`, item);
    else checkPayloadTemplate(problems, `${field}.${key}`, item);
  }
}

/** Compiles every `{% %}` expression found inside a JSONata field. */
export function checkJsonataTemplate(problems: Problems, field: string, value: unknown) {
  if (isJsonataExpression(value)) {
    try {
      compileJsonata(value);
    } catch (error) {
      problems.add(field, `invalid JSONata expression: ${(error as Error).message}`);
    }
    return;
  }
  if (typeof value === 'string' && value.trim().startsWith('{%'))
    problems.add(field, 'a JSONata expression must be the whole string, "{% ... %}"');
  if (Array.isArray(value))
    for (const [i, item] of value.entries()) checkJsonataTemplate(problems, `${field}[${i}]`, item);
  else if (isObject(value))
    for (const [key, item] of Object.entries(value)) checkJsonataTemplate(problems, `${field}.${key}`, item);
}

export function checkTemplate(problems: Problems, language: QueryLanguage, field: string, value: unknown) {
  if (language === 'JSONata') checkJsonataTemplate(problems, field, value);
  else checkPayloadTemplate(problems, field, value);
}

const variableName = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function checkAssign(problems: Problems, language: QueryLanguage, field: string, value: unknown) {
  if (!isObject(value)) {
    problems.add(field, 'must be an object of variable names to values');
    return;
  }
  for (const key of Object.keys(value)) {
    const name = language === 'JSONPath' && key.endsWith('.$') ? key.slice(0, -2) : key;
    if (!variableName.test(name)) problems.add(`${field}.${key}`, `"${name}" is not a valid variable name`);
    else if (name === 'states')
      problems.add(`${field}.${key}`, '"states" is reserved and cannot be assigned');
  }
  checkTemplate(problems, language, field, value);
}

/** A number field that JSONata states may also give as an expression. */
export function checkNumber(
  problems: Problems,
  language: QueryLanguage,
  field: string,
  value: unknown,
  rule: { min: number; integer?: boolean; max?: number; exclusiveMin?: boolean },
) {
  if (language === 'JSONata' && isJsonataExpression(value)) {
    checkJsonataTemplate(problems, field, value);
    return;
  }
  const { min, max, integer, exclusiveMin } = rule;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    (exclusiveMin ? value > min : value >= min) &&
    (max === undefined || value <= max);
  if (!ok) {
    const kind = integer ? 'an integer' : 'a number';
    const range = `${exclusiveMin ? 'greater than' : 'at least'} ${min}${max !== undefined ? ` and at most ${max}` : ''}`;
    problems.add(
      field,
      `must be ${kind} ${range}${language === 'JSONata' ? ' (or a JSONata expression)' : ''}`,
    );
  }
}
