/** Per-state checks: fields legal for the type and query language, transitions, and type rules. */
import { isJsonataExpression } from '../jsonata/evaluate-jsonata.ts';
import { parseTimestamp } from '../states/timestamp.ts';
import { type QueryLanguage, type StateType, stateTypes } from '../types.ts';
import { isObject, type Problems } from './problems.ts';
import { allowedFields, jsonataOnlyFields, jsonPathOnlyFields } from './state-fields.ts';
import { checkChoiceRule } from './validate-choice.ts';
import {
  checkAssign,
  checkDynamicValue,
  checkJsonataTemplate,
  checkNumber,
  checkPath,
  checkTemplate,
} from './validate-expressions.ts';
import { checkCatch, checkRetry } from './validate-retry-catch.ts';

export type MachineChecker = (
  problems: Problems,
  field: string,
  machine: unknown,
  language: QueryLanguage,
  nested: boolean,
) => void;

export interface StateContext {
  problems: Problems;
  field: string;
  state: Record<string, unknown>;
  language: QueryLanguage;
  stateNames: Set<string>;
  checkMachine: MachineChecker;
}

export function checkState(ctx: StateContext) {
  const { problems, field, state, language } = ctx;
  const type = state.Type as StateType;
  if (!stateTypes.includes(type)) {
    problems.add(`${field}.Type`, `must be one of ${stateTypes.join(', ')}`);
    return;
  }
  for (const key of Object.keys(state)) {
    // Next/End on a terminal state get a more specific message from checkTransition.
    if (key === 'Next' || key === 'End') continue;
    if (!allowedFields[type].has(key)) problems.add(`${field}.${key}`, `is not a field of a ${type} state`);
    else if (language === 'JSONata' && jsonPathOnlyFields.has(key))
      problems.add(`${field}.${key}`, `${key} is a JSONPath field; this state uses JSONata`);
    else if (language === 'JSONPath' && jsonataOnlyFields.has(key))
      problems.add(
        `${field}.${key}`,
        `${key} is a JSONata field; this state uses JSONPath (set QueryLanguage to JSONata)`,
      );
  }
  checkTransition(ctx, type);
  checkDataFields(ctx);
  switch (type) {
    case 'Task':
      return checkTask(ctx);
    case 'Choice':
      return checkChoice(ctx);
    case 'Wait':
      return checkWait(ctx);
    case 'Fail':
      return checkFail(ctx);
    case 'Parallel':
      return checkParallel(ctx);
    case 'Map':
      return checkMap(ctx);
  }
}

function checkTransition({ problems, field, state, stateNames }: StateContext, type: StateType) {
  const terminal = type === 'Succeed' || type === 'Fail' || type === 'Choice';
  if (terminal) {
    if (state.Next !== undefined) problems.add(`${field}.Next`, `a ${type} state cannot have Next`);
    if (state.End !== undefined) problems.add(`${field}.End`, `a ${type} state cannot have End`);
    return;
  }
  const hasNext = state.Next !== undefined;
  const ends = state.End === true;
  if (state.End !== undefined && typeof state.End !== 'boolean')
    problems.add(`${field}.End`, 'must be true or false');
  if (hasNext && ends) problems.add(field, 'cannot have both Next and End');
  else if (!hasNext && !ends) problems.add(field, 'must have Next or "End": true');
  if (hasNext) {
    if (typeof state.Next !== 'string') problems.add(`${field}.Next`, 'must be a state name');
    else if (!stateNames.has(state.Next))
      problems.add(`${field}.Next`, `state "${state.Next}" does not exist`);
  }
}

function checkDataFields({ problems, field, state, language }: StateContext) {
  if (language === 'JSONPath') {
    for (const key of ['InputPath', 'OutputPath'])
      if (state[key] !== undefined) checkPath(problems, `${field}.${key}`, state[key], { nullable: true });
    if (state.ResultPath !== undefined)
      checkPath(problems, `${field}.ResultPath`, state.ResultPath, { reference: true, nullable: true });
    for (const key of ['Parameters', 'ResultSelector', 'ItemSelector'])
      if (state[key] !== undefined) checkTemplate(problems, language, `${field}.${key}`, state[key]);
    if (state.ResultSelector !== undefined && !isObject(state.ResultSelector))
      problems.add(`${field}.ResultSelector`, 'must be an object');
  } else {
    for (const key of ['Arguments', 'Output', 'Items', 'ItemSelector'])
      if (state[key] !== undefined) checkJsonataTemplate(problems, `${field}.${key}`, state[key]);
    if (state.Arguments !== undefined && !isObject(state.Arguments) && !isJsonataExpression(state.Arguments))
      problems.add(`${field}.Arguments`, 'must be an object or a JSONata expression');
  }
  if (state.Assign !== undefined) checkAssign(problems, language, `${field}.Assign`, state.Assign);
}

function exclusive(problems: Problems, field: string, state: Record<string, unknown>, a: string, b: string) {
  if (state[a] !== undefined && state[b] !== undefined)
    problems.add(`${field}.${b}`, `cannot be used together with ${a}`);
}

function checkTask(ctx: StateContext) {
  const { problems, field, state, language } = ctx;
  if (typeof state.Resource !== 'string' || state.Resource.length === 0)
    problems.add(`${field}.Resource`, 'a Task state needs a Resource (an ARN or URI)');
  exclusive(problems, field, state, 'TimeoutSeconds', 'TimeoutSecondsPath');
  exclusive(problems, field, state, 'HeartbeatSeconds', 'HeartbeatSecondsPath');
  if (state.TimeoutSeconds !== undefined)
    checkNumber(problems, language, `${field}.TimeoutSeconds`, state.TimeoutSeconds, {
      min: 0,
      integer: true,
      exclusiveMin: true,
      max: 99_999_999,
    });
  if (state.HeartbeatSeconds !== undefined)
    checkNumber(problems, language, `${field}.HeartbeatSeconds`, state.HeartbeatSeconds, {
      min: 0,
      integer: true,
      exclusiveMin: true,
      max: 99_999_999,
    });
  if (
    typeof state.TimeoutSeconds === 'number' &&
    typeof state.HeartbeatSeconds === 'number' &&
    state.HeartbeatSeconds >= state.TimeoutSeconds
  )
    problems.add(`${field}.HeartbeatSeconds`, 'must be smaller than TimeoutSeconds');
  for (const key of ['TimeoutSecondsPath', 'HeartbeatSecondsPath'])
    if (state[key] !== undefined) checkPath(problems, `${field}.${key}`, state[key]);
  if (state.Retry !== undefined) checkRetry(problems, `${field}.Retry`, state.Retry);
  if (state.Catch !== undefined)
    checkCatch(problems, language, `${field}.Catch`, state.Catch, ctx.stateNames);
}

function checkChoice(ctx: StateContext) {
  const { problems, field, state, language, stateNames } = ctx;
  if (!Array.isArray(state.Choices) || state.Choices.length === 0) {
    problems.add(`${field}.Choices`, 'a Choice state needs a non-empty array of Choices');
  } else {
    for (const [i, rule] of state.Choices.entries())
      checkChoiceRule(problems, language, `${field}.Choices[${i}]`, rule, true, stateNames);
  }
  if (state.Default !== undefined) {
    if (typeof state.Default !== 'string' || !stateNames.has(state.Default))
      problems.add(`${field}.Default`, `state "${String(state.Default)}" does not exist`);
  }
}

function checkWait({ problems, field, state, language }: StateContext) {
  const given = ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'].filter(
    (key) => state[key] !== undefined,
  );
  if (given.length !== 1) {
    problems.add(field, 'a Wait state needs exactly one of Seconds, SecondsPath, Timestamp or TimestampPath');
    return;
  }
  const key = given[0];
  if (key === 'Seconds')
    checkNumber(problems, language, `${field}.Seconds`, state.Seconds, {
      min: 0,
      integer: true,
      max: 99_999_999,
    });
  else if (key === 'Timestamp') {
    if (language === 'JSONata' && isJsonataExpression(state.Timestamp))
      checkJsonataTemplate(problems, `${field}.Timestamp`, state.Timestamp);
    else if (typeof state.Timestamp !== 'string' || parseTimestamp(state.Timestamp) === null)
      problems.add(`${field}.Timestamp`, 'must be an RFC 3339 timestamp such as 2024-01-01T00:00:00Z');
  } else checkPath(problems, `${field}.${key}`, state[key]);
}

function checkFail({ problems, field, state, language }: StateContext) {
  exclusive(problems, field, state, 'Error', 'ErrorPath');
  exclusive(problems, field, state, 'Cause', 'CausePath');
  for (const key of ['Error', 'Cause']) {
    if (state[key] === undefined) continue;
    if (typeof state[key] !== 'string') problems.add(`${field}.${key}`, 'must be a string');
    else if (language === 'JSONata') checkJsonataTemplate(problems, `${field}.${key}`, state[key]);
  }
  for (const key of ['ErrorPath', 'CausePath'])
    if (state[key] !== undefined) checkDynamicValue(problems, `${field}.${key}`, state[key]);
}

function checkParallel(ctx: StateContext) {
  const { problems, field, state, language } = ctx;
  if (!Array.isArray(state.Branches) || state.Branches.length === 0) {
    problems.add(`${field}.Branches`, 'a Parallel state needs a non-empty array of Branches');
  } else
    for (const [i, branch] of state.Branches.entries())
      ctx.checkMachine(problems, `${field}.Branches[${i}]`, branch, language, true);
  if (state.Retry !== undefined) checkRetry(problems, `${field}.Retry`, state.Retry);
  if (state.Catch !== undefined)
    checkCatch(problems, language, `${field}.Catch`, state.Catch, ctx.stateNames);
}

function checkMap(ctx: StateContext) {
  const { problems, field, state, language } = ctx;
  const processor = state.ItemProcessor ?? state.Iterator;
  if ((state.ItemProcessor === undefined) === (state.Iterator === undefined))
    problems.add(field, 'a Map state needs exactly one of ItemProcessor or Iterator');
  else {
    const key = state.ItemProcessor !== undefined ? 'ItemProcessor' : 'Iterator';
    ctx.checkMachine(problems, `${field}.${key}`, processor, language, true);
    if (isObject(processor) && processor.ProcessorConfig !== undefined) {
      const config = processor.ProcessorConfig;
      if (
        !isObject(config) ||
        (config.Mode !== undefined && config.Mode !== 'INLINE' && config.Mode !== 'DISTRIBUTED')
      )
        problems.add(`${field}.${key}.ProcessorConfig.Mode`, 'must be INLINE or DISTRIBUTED');
    }
  }
  exclusive(problems, field, state, 'ItemSelector', 'Parameters');
  if (state.ItemsPath !== undefined) checkPath(problems, `${field}.ItemsPath`, state.ItemsPath);
  const numbers: [string, Parameters<typeof checkNumber>[4]][] = [
    ['MaxConcurrency', { min: 0, integer: true }],
    ['ToleratedFailureCount', { min: 0, integer: true }],
    ['ToleratedFailurePercentage', { min: 0, max: 100 }],
  ];
  for (const [key, rule] of numbers) {
    exclusive(problems, field, state, key, `${key}Path`);
    if (state[key] !== undefined) checkNumber(problems, language, `${field}.${key}`, state[key], rule);
    if (state[`${key}Path`] !== undefined) checkPath(problems, `${field}.${key}Path`, state[`${key}Path`]);
  }
  if (state.ItemReader !== undefined) checkItemReader(ctx, state.ItemReader);
  if (state.ItemBatcher !== undefined) checkItemBatcher(ctx, state.ItemBatcher);
  if (state.Retry !== undefined) checkRetry(problems, `${field}.Retry`, state.Retry);
  if (state.Catch !== undefined)
    checkCatch(problems, language, `${field}.Catch`, state.Catch, ctx.stateNames);
}

function checkItemReader({ problems, field, language }: StateContext, reader: unknown) {
  const at = `${field}.ItemReader`;
  if (!isObject(reader)) {
    problems.add(at, 'must be an object');
    return;
  }
  if (typeof reader.Resource !== 'string' || reader.Resource.length === 0)
    problems.add(`${at}.Resource`, 'an ItemReader needs a Resource');
  const config = reader.ReaderConfig;
  if (config !== undefined) {
    if (!isObject(config)) problems.add(`${at}.ReaderConfig`, 'must be an object');
    else {
      if (config.InputType !== undefined && !['CSV', 'JSON', 'JSONL'].includes(config.InputType as string))
        problems.add(`${at}.ReaderConfig.InputType`, 'must be CSV, JSON or JSONL');
      if (
        config.CSVHeaderLocation !== undefined &&
        !['FIRST_ROW', 'GIVEN'].includes(config.CSVHeaderLocation as string)
      )
        problems.add(`${at}.ReaderConfig.CSVHeaderLocation`, 'must be FIRST_ROW or GIVEN');
      if (
        config.CSVHeaderLocation === 'GIVEN' &&
        (!Array.isArray(config.CSVHeaders) || config.CSVHeaders.length === 0)
      )
        problems.add(`${at}.ReaderConfig.CSVHeaders`, 'is required when CSVHeaderLocation is GIVEN');
      if (config.MaxItems !== undefined)
        checkNumber(problems, language, `${at}.ReaderConfig.MaxItems`, config.MaxItems, {
          min: 0,
          integer: true,
          max: 100_000_000,
        });
    }
  }
  if (reader.Parameters !== undefined) {
    if (language === 'JSONata')
      problems.add(
        `${at}.Parameters`,
        'Parameters is a JSONPath field; this state uses JSONata (use Arguments)',
      );
    else checkTemplate(problems, language, `${at}.Parameters`, reader.Parameters);
  }
  if (reader.Arguments !== undefined) {
    if (language !== 'JSONata')
      problems.add(
        `${at}.Arguments`,
        'Arguments is a JSONata field; this state uses JSONPath (use Parameters)',
      );
    else checkJsonataTemplate(problems, `${at}.Arguments`, reader.Arguments);
  }
}

function checkItemBatcher({ problems, field, language }: StateContext, batcher: unknown) {
  const at = `${field}.ItemBatcher`;
  if (!isObject(batcher)) {
    problems.add(at, 'must be an object');
    return;
  }
  if (batcher.MaxItemsPerBatch !== undefined)
    checkNumber(problems, language, `${at}.MaxItemsPerBatch`, batcher.MaxItemsPerBatch, {
      min: 1,
      integer: true,
    });
  if (batcher.MaxInputBytesPerBatch !== undefined)
    checkNumber(problems, language, `${at}.MaxInputBytesPerBatch`, batcher.MaxInputBytesPerBatch, {
      min: 1,
      integer: true,
      max: 262_144,
    });
  if (batcher.BatchInput !== undefined)
    checkTemplate(problems, language, `${at}.BatchInput`, batcher.BatchInput);
}
