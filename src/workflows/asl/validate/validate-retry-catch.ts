/** Retry and Catch shapes: ErrorEquals lists, retrier numbers, catcher targets and fields. */
import { StatesErrorNames } from '../errors.ts';
import type { QueryLanguage } from '../types.ts';
import { isObject, type Problems } from './problems.ts';
import { checkAssign, checkJsonataTemplate, checkNumber, checkPath } from './validate-expressions.ts';

const retrierFields = new Set([
  'ErrorEquals',
  'IntervalSeconds',
  'MaxAttempts',
  'BackoffRate',
  'MaxDelaySeconds',
  'JitterStrategy',
  'Comment',
]);
const catcherFields = new Set(['ErrorEquals', 'Next', 'ResultPath', 'Output', 'Assign', 'Comment']);
const maxSeconds = 99_999_999;

function checkErrorEquals(problems: Problems, field: string, value: unknown, isLast: boolean) {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((v) => typeof v === 'string' && v.length > 0)
  ) {
    problems.add(`${field}.ErrorEquals`, 'must be a non-empty array of error names');
    return;
  }
  if (value.includes(StatesErrorNames.ALL)) {
    if (value.length > 1) problems.add(`${field}.ErrorEquals`, 'States.ALL must appear alone');
    if (!isLast) problems.add(`${field}.ErrorEquals`, 'States.ALL must be in the last retrier or catcher');
  }
}

export function checkRetry(problems: Problems, field: string, value: unknown) {
  if (!Array.isArray(value)) {
    problems.add(field, 'must be an array of retriers');
    return;
  }
  value.forEach((retrier, i) => {
    const at = `${field}[${i}]`;
    if (!isObject(retrier)) {
      problems.add(at, 'must be a retrier object');
      return;
    }
    for (const key of Object.keys(retrier))
      if (!retrierFields.has(key)) problems.add(`${at}.${key}`, 'is not a retrier field');
    checkErrorEquals(problems, at, retrier.ErrorEquals, i === value.length - 1);
    const num = (key: string, rule: Parameters<typeof checkNumber>[4]) => {
      if (retrier[key] !== undefined) checkNumber(problems, 'JSONPath', `${at}.${key}`, retrier[key], rule);
    };
    num('IntervalSeconds', { min: 1, integer: true, max: maxSeconds });
    num('MaxAttempts', { min: 0, integer: true, max: maxSeconds });
    num('BackoffRate', { min: 1 });
    num('MaxDelaySeconds', { min: 1, integer: true, max: 31_622_400 });
    if (
      retrier.JitterStrategy !== undefined &&
      retrier.JitterStrategy !== 'FULL' &&
      retrier.JitterStrategy !== 'NONE'
    )
      problems.add(`${at}.JitterStrategy`, 'must be FULL or NONE');
  });
}

export function checkCatch(
  problems: Problems,
  language: QueryLanguage,
  field: string,
  value: unknown,
  stateNames: Set<string>,
) {
  if (!Array.isArray(value)) {
    problems.add(field, 'must be an array of catchers');
    return;
  }
  value.forEach((catcher, i) => {
    const at = `${field}[${i}]`;
    if (!isObject(catcher)) {
      problems.add(at, 'must be a catcher object');
      return;
    }
    for (const key of Object.keys(catcher))
      if (!catcherFields.has(key)) problems.add(`${at}.${key}`, 'is not a catcher field');
    checkErrorEquals(problems, at, catcher.ErrorEquals, i === value.length - 1);
    if (typeof catcher.Next !== 'string') problems.add(`${at}.Next`, 'a catcher must name the Next state');
    else if (!stateNames.has(catcher.Next))
      problems.add(`${at}.Next`, `state "${catcher.Next}" does not exist`);
    if (catcher.ResultPath !== undefined) {
      if (language === 'JSONata')
        problems.add(
          `${at}.ResultPath`,
          'ResultPath is a JSONPath field; this state uses JSONata (use Output)',
        );
      else checkPath(problems, `${at}.ResultPath`, catcher.ResultPath, { reference: true, nullable: true });
    }
    if (catcher.Output !== undefined) {
      if (language !== 'JSONata')
        problems.add(`${at}.Output`, 'Output is a JSONata field; this state uses JSONPath');
      else checkJsonataTemplate(problems, `${at}.Output`, catcher.Output);
    }
    if (catcher.Assign !== undefined) checkAssign(problems, language, `${at}.Assign`, catcher.Assign);
  });
}
