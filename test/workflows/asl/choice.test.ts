/** Conformance: the Choice state (JSONPath rules; JSONata Conditions are in jsonata.test.ts). */
import assert from 'node:assert/strict';
import type { Json } from '../../../src/workflows/asl/index.ts';
import { type ConformanceCase, runCases } from './harness/run-cases.ts';

/** A machine that outputs "yes" when `rule` matches `input`, else "no" (Default). */
function rule(
  name: string,
  choice: Record<string, unknown>,
  input: Json,
  matches: boolean,
  note?: string,
): ConformanceCase {
  return {
    name,
    note,
    definition: {
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ ...choice, Next: 'Yes' }], Default: 'No' },
        Yes: { Type: 'Pass', Result: 'yes', End: true },
        No: { Type: 'Pass', Result: 'no', End: true },
      },
    },
    input,
    output: matches ? 'yes' : 'no',
  };
}

runCases('Choice', [
  rule('StringEquals matches', { Variable: '$.s', StringEquals: 'a' }, { s: 'a' }, true),
  rule('StringEquals does not match', { Variable: '$.s', StringEquals: 'a' }, { s: 'b' }, false),
  rule(
    'StringEquals on a number is false, not an error',
    { Variable: '$.s', StringEquals: '1' },
    { s: 1 },
    false,
    'ASL: mismatched types compare false',
  ),
  rule('StringLessThan', { Variable: '$.s', StringLessThan: 'b' }, { s: 'a' }, true),
  rule('StringGreaterThanEquals', { Variable: '$.s', StringGreaterThanEquals: 'b' }, { s: 'b' }, true),
  rule('StringEqualsPath', { Variable: '$.a', StringEqualsPath: '$.b' }, { a: 'x', b: 'x' }, true),
  rule(
    'StringMatches with a wildcard',
    { Variable: '$.f', StringMatches: 'log-*.txt' },
    { f: 'log-2024.txt' },
    true,
  ),
  rule('StringMatches with an escaped star', { Variable: '$.f', StringMatches: 'a\\*b' }, { f: 'a*b' }, true),
  rule(
    'StringMatches escaped star is not a wildcard',
    { Variable: '$.f', StringMatches: 'a\\*b' },
    { f: 'axxb' },
    false,
  ),
  rule('NumericEquals', { Variable: '$.n', NumericEquals: 3 }, { n: 3 }, true),
  rule('NumericLessThan', { Variable: '$.n', NumericLessThan: 3 }, { n: 2.5 }, true),
  rule('NumericGreaterThan false', { Variable: '$.n', NumericGreaterThan: 3 }, { n: 3 }, false),
  rule('NumericLessThanEquals', { Variable: '$.n', NumericLessThanEquals: 3 }, { n: 3 }, true),
  rule(
    'NumericGreaterThanEqualsPath',
    { Variable: '$.n', NumericGreaterThanEqualsPath: '$.min' },
    { n: 5, min: 5 },
    true,
  ),
  rule('NumericEquals on a string is false', { Variable: '$.n', NumericEquals: 3 }, { n: '3' }, false),
  rule('BooleanEquals', { Variable: '$.b', BooleanEquals: false }, { b: false }, true),
  rule('BooleanEqualsPath', { Variable: '$.b', BooleanEqualsPath: '$.c' }, { b: true, c: true }, true),
  rule(
    'TimestampEquals across offsets',
    { Variable: '$.t', TimestampEquals: '2024-01-01T01:00:00+01:00' },
    { t: '2024-01-01T00:00:00Z' },
    true,
  ),
  rule(
    'TimestampLessThan',
    { Variable: '$.t', TimestampLessThan: '2024-06-01T00:00:00Z' },
    { t: '2024-01-01T00:00:00Z' },
    true,
  ),
  rule(
    'TimestampGreaterThanPath',
    { Variable: '$.t', TimestampGreaterThanPath: '$.u' },
    { t: '2025-01-01T00:00:00Z', u: '2024-01-01T00:00:00Z' },
    true,
  ),
  rule(
    'Timestamp comparison with a non-timestamp is false',
    { Variable: '$.t', TimestampLessThan: '2024-06-01T00:00:00Z' },
    { t: 'yesterday' },
    false,
  ),
  rule('IsNull', { Variable: '$.v', IsNull: true }, { v: null }, true),
  rule('IsNull false on a value', { Variable: '$.v', IsNull: true }, { v: 0 }, false),
  rule('IsPresent true', { Variable: '$.v', IsPresent: true }, { v: null }, true),
  rule(
    'IsPresent false on a missing field (no error)',
    { Variable: '$.missing', IsPresent: false },
    {},
    true,
  ),
  rule('IsNumeric', { Variable: '$.v', IsNumeric: true }, { v: 1.5 }, true),
  rule('IsString false', { Variable: '$.v', IsString: false }, { v: 1 }, true),
  rule('IsBoolean', { Variable: '$.v', IsBoolean: true }, { v: true }, true),
  rule('IsTimestamp', { Variable: '$.v', IsTimestamp: true }, { v: '2024-03-14T01:59:00Z' }, true),
  rule(
    'IsTimestamp refuses a date without time',
    { Variable: '$.v', IsTimestamp: true },
    { v: '2024-03-14' },
    false,
  ),
  rule(
    'And of two rules',
    {
      And: [
        { Variable: '$.a', NumericGreaterThan: 1 },
        { Variable: '$.b', StringEquals: 'x' },
      ],
    },
    { a: 2, b: 'x' },
    true,
  ),
  rule(
    'And short of one rule',
    {
      And: [
        { Variable: '$.a', NumericGreaterThan: 1 },
        { Variable: '$.b', StringEquals: 'x' },
      ],
    },
    { a: 2, b: 'y' },
    false,
  ),
  rule(
    'Or',
    {
      Or: [
        { Variable: '$.a', NumericEquals: 1 },
        { Variable: '$.a', NumericEquals: 2 },
      ],
    },
    { a: 2 },
    true,
  ),
  rule('Not', { Not: { Variable: '$.a', StringEquals: 'x' } }, { a: 'y' }, true),
  rule(
    'nested boolean operators',
    {
      Not: {
        Or: [
          { Variable: '$.a', IsNull: true },
          {
            And: [
              { Variable: '$.a', IsNumeric: true },
              { Variable: '$.a', NumericLessThan: 0 },
            ],
          },
        ],
      },
    },
    { a: 4 },
    true,
  ),
  {
    name: 'Variable can read a workflow variable',
    definition: {
      StartAt: 'Set',
      States: {
        Set: { Type: 'Pass', Assign: { limit: 5 }, Next: 'C' },
        C: {
          Type: 'Choice',
          Choices: [{ Variable: '$limit', NumericEquals: 5, Next: 'Yes' }],
          Default: 'No',
        },
        Yes: { Type: 'Pass', Result: 'yes', End: true },
        No: { Type: 'Pass', Result: 'no', End: true },
      },
    },
    output: 'yes',
  },
  {
    name: 'an undefined variable in Variable is States.Runtime',
    definition: {
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Variable: '$limit', NumericEquals: 5, Next: 'A' }], Default: 'A' },
        A: { Type: 'Succeed' },
      },
    },
    error: 'States.Runtime',
  },
  {
    name: 'the first matching rule wins',
    definition: {
      StartAt: 'C',
      States: {
        C: {
          Type: 'Choice',
          Choices: [
            { Variable: '$.n', NumericGreaterThan: 0, Next: 'A' },
            { Variable: '$.n', NumericGreaterThan: 1, Next: 'B' },
          ],
        },
        A: { Type: 'Pass', Result: 'A', End: true },
        B: { Type: 'Pass', Result: 'B', End: true },
      },
    },
    input: { n: 5 },
    output: 'A',
  },
  {
    name: 'no match and no Default fails the execution',
    note: 'AWS reports this as States.Runtime; States.NoChoiceMatched is documented as reserved',
    definition: {
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericEquals: 1, Next: 'A' }] },
        A: { Type: 'Succeed' },
      },
    },
    input: { n: 2 },
    error: 'States.Runtime',
    cause: /No Choice rule matched/,
  },
  {
    name: 'a Variable path that does not exist is States.Runtime',
    definition: {
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericEquals: 1, Next: 'A' }], Default: 'A' },
        A: { Type: 'Succeed' },
      },
    },
    input: {},
    error: 'States.Runtime',
    cause: /Invalid path '\$\.n'/,
  },
  {
    name: 'Choice passes its input on, through InputPath and OutputPath',
    definition: {
      StartAt: 'C',
      States: {
        C: {
          Type: 'Choice',
          InputPath: '$.inner',
          OutputPath: '$.v',
          Choices: [{ Variable: '$.v', IsPresent: true, Next: 'A' }],
        },
        A: { Type: 'Succeed' },
      },
    },
    input: { inner: { v: 42 } },
    output: 42,
  },
  {
    name: 'Assign on the matched rule sets a variable a later state reads',
    definition: {
      StartAt: 'C',
      States: {
        C: {
          Type: 'Choice',
          Choices: [
            {
              Variable: '$.n',
              NumericGreaterThan: 0,
              Next: 'A',
              Assign: { 'picked.$': '$.n', kind: 'positive' },
            },
          ],
        },
        A: { Type: 'Pass', Parameters: { 'picked.$': '$picked', 'kind.$': '$kind' }, End: true },
      },
    },
    input: { n: 3 },
    output: { picked: 3, kind: 'positive' },
  },
  {
    name: 'records ChoiceStateEntered and ChoiceStateExited, then the chosen state',
    definition: {
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Variable: '$.x', NumericEquals: 1, Next: 'Yes' }], Default: 'No' },
        Yes: { Type: 'Succeed' },
        No: { Type: 'Fail', Error: 'E' },
      },
    },
    input: { x: 1 },
    output: { x: 1 },
    check(_result, world) {
      assert.deepEqual(
        world.history.map((event) => [event.type, event.details.name ?? null]),
        [
          ['ExecutionStarted', null],
          ['ChoiceStateEntered', 'C'],
          ['ChoiceStateExited', 'C'],
          ['SucceedStateEntered', 'Yes'],
          ['SucceedStateExited', 'Yes'],
          ['ExecutionSucceeded', null],
        ],
      );
    },
  },
]);
