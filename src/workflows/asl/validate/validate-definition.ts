/**
 * Validates a state machine definition on create. All problems are collected; the error thrown
 * names the first (`States.Train.Next: state "Trian" does not exist`) and lists every one in
 * `details.problems`, so an editor can underline them all at once.
 */
import { AslErrors } from '../errors.ts';
import { type MachineDefinition, type QueryLanguage, queryLanguages } from '../types.ts';
import { isObject, isPositiveInteger, type Problem, Problems } from './problems.ts';
import { checkState } from './validate-state.ts';

const machineFields = new Set(['StartAt', 'States', 'Comment', 'Version', 'TimeoutSeconds', 'QueryLanguage']);
const nestedFields = new Set(['StartAt', 'States', 'Comment', 'QueryLanguage', 'ProcessorConfig']);

export function validateDefinition(definition: unknown): { ok: true; definition: MachineDefinition } {
  const problems = findProblems(definition);
  if (problems.length > 0) {
    const [first] = problems;
    throw AslErrors.invalidDefinition({ field: first.field, reason: first.reason, problems });
  }
  return { ok: true, definition: definition as MachineDefinition };
}

/** The problems of a definition, without throwing (an empty list means it is valid). */
export function findProblems(definition: unknown): Problem[] {
  const problems = new Problems();
  checkMachine(problems, '', definition, 'JSONPath', false);
  return problems.list;
}

function join(prefix: string, key: string) {
  return prefix ? `${prefix}.${key}` : key;
}

function checkMachine(
  problems: Problems,
  prefix: string,
  machine: unknown,
  inherited: QueryLanguage,
  nested: boolean,
) {
  if (!isObject(machine)) {
    problems.add(prefix || '(root)', 'a state machine definition must be a JSON object');
    return;
  }
  const allowed = nested ? nestedFields : machineFields;
  for (const key of Object.keys(machine))
    if (!allowed.has(key)) problems.add(join(prefix, key), 'is not a known field');
  let language = inherited;
  if (machine.QueryLanguage !== undefined) {
    if (!queryLanguages.includes(machine.QueryLanguage as QueryLanguage))
      problems.add(join(prefix, 'QueryLanguage'), 'must be JSONPath or JSONata');
    else language = machine.QueryLanguage as QueryLanguage;
  }
  if (machine.TimeoutSeconds !== undefined && !isPositiveInteger(machine.TimeoutSeconds))
    problems.add(join(prefix, 'TimeoutSeconds'), 'must be a positive integer');
  for (const key of ['Comment', 'Version'])
    if (machine[key] !== undefined && typeof machine[key] !== 'string')
      problems.add(join(prefix, key), 'must be a string');

  const states = machine.States;
  if (!isObject(states) || Object.keys(states).length === 0) {
    problems.add(join(prefix, 'States'), 'must be an object with at least one state');
    return;
  }
  const names = new Set(Object.keys(states));
  if (typeof machine.StartAt !== 'string') problems.add(join(prefix, 'StartAt'), 'must name the first state');
  else if (!names.has(machine.StartAt))
    problems.add(join(prefix, 'StartAt'), `state "${machine.StartAt}" does not exist`);

  for (const [name, state] of Object.entries(states)) {
    const field = join(prefix, `States.${name}`);
    if (name.length === 0 || name.length > 80) problems.add(field, 'a state name must be 1 to 80 characters');
    if (!isObject(state)) {
      problems.add(field, 'must be a state object');
      continue;
    }
    let stateLanguage = language;
    if (state.QueryLanguage !== undefined) {
      if (!queryLanguages.includes(state.QueryLanguage as QueryLanguage))
        problems.add(`${field}.QueryLanguage`, 'must be JSONPath or JSONata');
      // AWS: once a machine is JSONata, its states cannot opt back into JSONPath.
      else if (language === 'JSONata' && state.QueryLanguage === 'JSONPath')
        problems.add(
          `${field}.QueryLanguage`,
          'a state cannot use JSONPath when its state machine uses JSONata',
        );
      else stateLanguage = state.QueryLanguage as QueryLanguage;
    }
    checkState({ problems, field, state, language: stateLanguage, stateNames: names, checkMachine });
  }
  if (typeof machine.StartAt === 'string' && names.has(machine.StartAt))
    checkReachability(problems, prefix, machine.StartAt, states);
}

function successors(state: unknown): string[] {
  if (!isObject(state)) return [];
  const out: string[] = [];
  if (typeof state.Next === 'string') out.push(state.Next);
  if (typeof state.Default === 'string') out.push(state.Default);
  if (Array.isArray(state.Choices))
    for (const rule of state.Choices)
      if (isObject(rule) && typeof rule.Next === 'string') out.push(rule.Next);
  if (Array.isArray(state.Catch))
    for (const c of state.Catch) if (isObject(c) && typeof c.Next === 'string') out.push(c.Next);
  return out;
}

function checkReachability(
  problems: Problems,
  prefix: string,
  startAt: string,
  states: Record<string, unknown>,
) {
  const seen = new Set([startAt]);
  const queue = [startAt];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    for (const next of successors(states[name]))
      if (Object.hasOwn(states, next) && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
  }
  for (const name of Object.keys(states))
    if (!seen.has(name))
      problems.add(join(prefix, `States.${name}`), `state is not reachable from StartAt "${startAt}"`);
}
