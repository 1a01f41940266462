/**
 * Choice rules: top-level rules need Next; nested ones (in And/Or/Not) must not have it. A JSONPath
 * comparison has a Variable and exactly one operator whose operand has the operator's type; a
 * JSONata rule has a Condition expression instead.
 */
import { choiceOperator, choiceRuleFields } from '../states/choice-operators.ts';
import { parseTimestamp } from '../states/timestamp.ts';
import type { QueryLanguage } from '../types.ts';
import { isObject, type Problems } from './problems.ts';
import { checkAssign, checkJsonataTemplate, checkPath } from './validate-expressions.ts';

export function checkChoiceRule(
  problems: Problems,
  language: QueryLanguage,
  field: string,
  rule: unknown,
  topLevel: boolean,
  stateNames: Set<string>,
) {
  if (!isObject(rule)) {
    problems.add(field, 'must be a choice rule object');
    return;
  }
  if (topLevel) {
    if (typeof rule.Next !== 'string')
      problems.add(`${field}.Next`, 'a choice rule must name the Next state');
    else if (!stateNames.has(rule.Next)) problems.add(`${field}.Next`, `state "${rule.Next}" does not exist`);
    if (rule.Assign !== undefined) checkAssign(problems, language, `${field}.Assign`, rule.Assign);
    if (rule.Output !== undefined) {
      if (language !== 'JSONata')
        problems.add(`${field}.Output`, 'Output is a JSONata field; this state uses JSONPath');
      else checkJsonataTemplate(problems, `${field}.Output`, rule.Output);
    }
  } else {
    for (const key of ['Next', 'Assign', 'Output'])
      if (rule[key] !== undefined) problems.add(`${field}.${key}`, `a nested choice rule cannot have ${key}`);
  }

  if (language === 'JSONata') {
    for (const key of Object.keys(rule))
      if (!['Next', 'Condition', 'Assign', 'Output', 'Comment'].includes(key))
        problems.add(`${field}.${key}`, `is not a JSONata choice rule field (use Condition)`);
    if (typeof rule.Condition !== 'string')
      problems.add(`${field}.Condition`, 'a JSONata choice rule needs a Condition expression');
    else checkJsonataTemplate(problems, `${field}.Condition`, rule.Condition);
    return;
  }

  if (rule.Condition !== undefined)
    problems.add(`${field}.Condition`, 'Condition is a JSONata field; this state uses JSONPath');
  const boolean = ['And', 'Or', 'Not'].filter((key) => rule[key] !== undefined);
  const operators = Object.keys(rule).filter((key) => !choiceRuleFields.has(key));
  if (boolean.length + operators.length !== 1) {
    problems.add(field, 'a choice rule needs exactly one of And, Or, Not or a comparison operator');
    return;
  }
  if (boolean.length === 1) {
    const key = boolean[0];
    if (rule.Variable !== undefined) problems.add(`${field}.Variable`, `is not allowed with ${key}`);
    if (key === 'Not') checkChoiceRule(problems, language, `${field}.Not`, rule.Not, false, stateNames);
    else {
      const list = rule[key];
      if (!Array.isArray(list) || list.length === 0)
        problems.add(`${field}.${key}`, 'must be a non-empty array of rules');
      else
        for (const [i, r] of list.entries())
          checkChoiceRule(problems, language, `${field}.${key}[${i}]`, r, false, stateNames);
    }
    return;
  }
  const name = operators[0];
  const operator = choiceOperator(name);
  if (!operator) {
    problems.add(`${field}.${name}`, 'is not a choice comparison operator');
    return;
  }
  if (rule.Variable === undefined) problems.add(`${field}.Variable`, 'a comparison needs a Variable');
  else checkPath(problems, `${field}.Variable`, rule.Variable);
  const operand = rule[name];
  const at = `${field}.${name}`;
  if (operator.operandIsPath) checkPath(problems, at, operand);
  else if (operator.type === 'test' && typeof operand !== 'boolean')
    problems.add(at, 'must be true or false');
  else if (operator.type === 'string' && typeof operand !== 'string') problems.add(at, 'must be a string');
  else if (operator.type === 'number' && typeof operand !== 'number') problems.add(at, 'must be a number');
  else if (operator.type === 'boolean' && typeof operand !== 'boolean')
    problems.add(at, 'must be true or false');
  else if (operator.type === 'timestamp' && (typeof operand !== 'string' || parseTimestamp(operand) === null))
    problems.add(at, 'must be an RFC 3339 timestamp such as 2024-01-01T00:00:00Z');
}
