/** Choice: picks the Next state from the first matching rule, else Default. */
import { StatesError, StatesErrorNames } from '../errors.ts';
import { evaluateJsonata } from '../jsonata/evaluate-jsonata.ts';
import { PathNotFoundError, pathExists, readPath } from '../jsonpath/evaluate-path.ts';
import {
  applyOutputPath,
  assignJsonPath,
  effectiveInput,
  finishJsonata,
  jsonataScope,
  pathScope,
} from '../runtime/data-flow.ts';
import type { StateOutcome, StateScope } from '../runtime/runtime.ts';
import type { ChoiceRule, Json } from '../types.ts';
import { choiceOperator, choiceRuleFields } from './choice-operators.ts';

function evaluateRule(scope: StateScope, rule: ChoiceRule, input: Json): boolean {
  if (rule.And) return rule.And.every((r) => evaluateRule(scope, r, input));
  if (rule.Or) return rule.Or.some((r) => evaluateRule(scope, r, input));
  if (rule.Not) return !evaluateRule(scope, rule.Not, input);
  const paths = pathScope(scope, input);
  const name = Object.keys(rule).find((key) => !choiceRuleFields.has(key));
  const operator = name ? choiceOperator(name) : undefined;
  if (!name || !operator || rule.Variable === undefined)
    throw new StatesError(StatesErrorNames.Runtime, `${scope.name}: malformed choice rule`);
  if (name === 'IsPresent') return pathExists(rule.Variable, paths) === rule[name];
  const read = (path: string) => {
    try {
      return readPath(path, paths);
    } catch (error) {
      if (error instanceof PathNotFoundError)
        throw new StatesError(
          StatesErrorNames.Runtime,
          `Invalid path '${path}': The choice state's condition path references an invalid value.`,
        );
      throw error;
    }
  };
  const value = read(rule.Variable);
  const operand = operator.operandIsPath ? read(rule[name] as string) : rule[name];
  return operator.test(value, operand);
}

async function conditionHolds(scope: StateScope, rule: ChoiceRule): Promise<boolean> {
  const value = await evaluateJsonata(rule.Condition as string, jsonataScope(scope));
  if (typeof value !== 'boolean')
    throw new StatesError(
      StatesErrorNames.QueryEvaluationError,
      `${scope.name}: a Condition must evaluate to a boolean, got ${JSON.stringify(value)}`,
    );
  return value;
}

export async function runChoice(scope: StateScope): Promise<StateOutcome> {
  const { def } = scope;
  const jsonata = scope.language === 'JSONata';
  const input = jsonata ? scope.input : effectiveInput(scope);
  let matched: ChoiceRule | undefined;
  for (const rule of def.Choices ?? []) {
    if (jsonata ? await conditionHolds(scope, rule) : evaluateRule(scope, rule, input)) {
      matched = rule;
      break;
    }
  }
  const next = matched?.Next ?? def.Default;
  if (next === undefined)
    // AWS reports a Choice without a match as States.Runtime (States.NoChoiceMatched is "reserved").
    throw new StatesError(
      StatesErrorNames.Runtime,
      `An error occurred while executing the state '${scope.name}'. No Choice rule matched and no Default was given.`,
    );
  // A matched rule's Assign/Output apply; the state's own ones apply when Default was taken.
  const fields = matched
    ? { Assign: matched.Assign, Output: matched.Output }
    : { Assign: def.Assign, Output: def.Output };
  if (jsonata) return finishJsonata(scope, {}, scope.input, next, fields);
  return {
    output: applyOutputPath(scope, input),
    next,
    assigned: assignJsonPath(scope, fields.Assign, input),
  };
}
