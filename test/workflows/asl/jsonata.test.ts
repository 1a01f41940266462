/** Conformance: the JSONata query language (Arguments, Output, Assign, Condition, $states, variables). */
import assert from 'node:assert/strict';
import { echo, failTimes } from './harness/collaborators.ts';
import { runCases, singleJsonata } from './harness/run-cases.ts';

const jsonata = (states: Record<string, unknown>, startAt = Object.keys(states)[0]) => ({
  QueryLanguage: 'JSONata',
  StartAt: startAt,
  States: states,
});

runCases('JSONata', [
  {
    name: 'Pass outputs its input by default',
    definition: singleJsonata({ Type: 'Pass' }),
    input: { a: 1 },
    output: { a: 1 },
  },
  {
    name: 'Output with expressions at any depth',
    definition: singleJsonata({
      Type: 'Pass',
      Output: {
        sum: '{% $states.input.a + $states.input.b %}',
        nested: ['{% $uppercase($states.input.s) %}', 'literal'],
      },
    }),
    input: { a: 1, b: 2, s: 'x' },
    output: { sum: 3, nested: ['X', 'literal'] },
  },
  {
    name: 'Output as a single expression',
    definition: singleJsonata({ Type: 'Pass', Output: '{% $states.input.items[price > 10].name %}' }),
    input: {
      items: [
        { name: 'a', price: 5 },
        { name: 'b', price: 20 },
      ],
    },
    output: 'b',
  },
  {
    name: 'Task Arguments and the default Output ($states.result)',
    definition: singleJsonata({
      Type: 'Task',
      Resource: 'fn',
      Arguments: { id: '{% $states.input.id %}', static: 1 },
    }),
    tasks: { fn: echo },
    input: { id: 'x' },
    output: { id: 'x', static: 1 },
  },
  {
    name: 'Task Output combines input and result',
    definition: singleJsonata({
      Type: 'Task',
      Resource: 'fn',
      Output: { input: '{% $states.input %}', result: '{% $states.result %}' },
    }),
    tasks: { fn: () => 42 },
    input: { q: 1 },
    output: { input: { q: 1 }, result: 42 },
  },
  {
    name: 'Assign then read a variable in a later state',
    definition: jsonata({
      A: { Type: 'Pass', Assign: { total: '{% $states.input.n * 10 %}' }, Next: 'B' },
      B: { Type: 'Pass', Output: '{% $total + 1 %}', End: true },
    }),
    input: { n: 4 },
    output: 41,
  },
  {
    name: 'Output and Assign of one state both see the old variable values',
    note: 'AWS evaluates Assign and Output with the variables as they were on entry',
    definition: jsonata({
      A: { Type: 'Pass', Assign: { v: 1 }, Next: 'B' },
      B: { Type: 'Pass', Assign: { v: '{% $v + 1 %}' }, Output: '{% $v %}', Next: 'C' },
      C: { Type: 'Pass', Output: { before: '{% $states.input %}', after: '{% $v %}' }, End: true },
    }),
    output: { before: 1, after: 2 },
  },
  {
    name: 'Assign in a Task sees $states.result',
    definition: jsonata({
      T: { Type: 'Task', Resource: 'fn', Assign: { id: '{% $states.result.id %}' }, Output: {}, Next: 'P' },
      P: { Type: 'Pass', Output: '{% $id %}', End: true },
    }),
    tasks: { fn: () => ({ id: 'job-7' }) },
    output: 'job-7',
  },
  {
    name: '$states.context exposes the context object',
    definition: singleJsonata({
      Type: 'Pass',
      Output: { state: '{% $states.context.State.Name %}', input: '{% $states.context.Execution.Input %}' },
    }),
    input: { z: 1 },
    output: { state: 'S', input: { z: 1 } },
  },
  {
    name: 'Choice with Condition',
    definition: jsonata({
      C: {
        Type: 'Choice',
        Choices: [{ Condition: '{% $states.input.n > 10 %}', Next: 'Big' }],
        Default: 'Small',
      },
      Big: { Type: 'Pass', Output: 'big', End: true },
      Small: { Type: 'Pass', Output: 'small', End: true },
    }),
    input: { n: 11 },
    output: 'big',
  },
  {
    name: 'Choice Condition that is not a boolean is States.QueryEvaluationError',
    definition: jsonata({
      C: { Type: 'Choice', Choices: [{ Condition: '{% $states.input.n %}', Next: 'A' }], Default: 'A' },
      A: { Type: 'Succeed' },
    }),
    input: { n: 1 },
    error: 'States.QueryEvaluationError',
  },
  {
    name: 'Choice rule Output and Assign',
    definition: jsonata({
      C: {
        Type: 'Choice',
        Choices: [{ Condition: '{% true %}', Next: 'A', Output: { picked: true }, Assign: { why: 'rule' } }],
      },
      A: { Type: 'Pass', Output: { out: '{% $states.input %}', why: '{% $why %}' }, End: true },
    }),
    output: { out: { picked: true }, why: 'rule' },
  },
  {
    name: 'Catch Output sees $states.errorOutput',
    definition: jsonata({
      T: {
        Type: 'Task',
        Resource: 'fn',
        End: true,
        Catch: [
          {
            ErrorEquals: ['States.ALL'],
            Next: 'H',
            Output: { failed: '{% $states.errorOutput.Error %}', input: '{% $states.input %}' },
          },
        ],
      },
      H: { Type: 'Pass', End: true },
    }),
    tasks: { fn: failTimes(1, 'Bad') },
    input: { k: 1 },
    output: { failed: 'Bad', input: { k: 1 } },
  },
  {
    name: 'Catch without Output outputs the error output',
    definition: jsonata({
      T: { Type: 'Task', Resource: 'fn', End: true, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'H' }] },
      H: { Type: 'Pass', End: true },
    }),
    tasks: { fn: failTimes(1, 'Bad') },
    output: { Error: 'Bad', Cause: 'failure 1' },
  },
  {
    name: 'a failing expression is States.QueryEvaluationError',
    definition: singleJsonata({ Type: 'Pass', Output: '{% $number("abc") + $undefinedFn() %}' }),
    error: 'States.QueryEvaluationError',
  },
  {
    name: 'an expression with no value as the whole Output is States.QueryEvaluationError',
    definition: singleJsonata({ Type: 'Pass', Output: '{% $states.input.missing %}' }),
    input: {},
    error: 'States.QueryEvaluationError',
  },
  {
    name: 'fields whose expression has no value are left out of an object',
    definition: singleJsonata({
      Type: 'Pass',
      Output: { present: 1, absent: '{% $states.input.missing %}' },
    }),
    input: {},
    output: { present: 1 },
  },
  {
    name: 'Wait Seconds as an expression',
    definition: singleJsonata({ Type: 'Wait', Seconds: '{% $states.input.delay * 2 %}' }),
    input: { delay: 3 },
    output: { delay: 3 },
    sleeps: [6000],
  },
  {
    name: 'Task TimeoutSeconds as an expression',
    definition: singleJsonata({ Type: 'Task', Resource: 'slow', TimeoutSeconds: '{% $states.input.t %}' }),
    tasks: { slow: async (_p, request, clock) => clock.sleep(60_000, request.signal).then(() => 'late') },
    input: { t: 4 },
    error: 'States.Timeout',
    sleeps: [4000],
  },
  {
    name: 'Fail Error and Cause as expressions',
    definition: singleJsonata({
      Type: 'Fail',
      Error: "{% 'Err.' & $states.input.code %}",
      Cause: '{% $string($states.input.n) %}',
    }),
    input: { code: 'X', n: 5 },
    error: 'Err.X',
    cause: '5',
  },
  {
    name: 'Map Items and ItemSelector with $states.context.Map.Item',
    definition: singleJsonata({
      Type: 'Map',
      Items: '{% $states.input.list %}',
      ItemSelector: { v: '{% $states.context.Map.Item.Value %}', i: '{% $states.context.Map.Item.Index %}' },
      ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
    }),
    input: { list: ['a', 'b'] },
    output: [
      { v: 'a', i: 0 },
      { v: 'b', i: 1 },
    ],
  },
  {
    name: 'Parallel Arguments and result',
    definition: singleJsonata({
      Type: 'Parallel',
      Arguments: { n: '{% $states.input.n %}' },
      Branches: [
        { StartAt: 'A', States: { A: { Type: 'Pass', Output: '{% $states.input.n + 1 %}', End: true } } },
        { StartAt: 'B', States: { B: { Type: 'Pass', Output: '{% $states.input.n * 2 %}', End: true } } },
      ],
      Output: '{% $sum($states.result) %}',
    }),
    input: { n: 5 },
    output: 16,
  },
  {
    name: 'Step Functions JSONata functions: $partition, $range, $hash, $parse, $uuid',
    definition: singleJsonata({
      Type: 'Pass',
      Output: {
        partition: '{% $partition([1,2,3], 2) %}',
        range: '{% $range(0, 4, 2) %}',
        hash: "{% $hash('abc', 'SHA-1') %}",
        parse: '{% $parse(\'{"a":1}\') %}',
        uuid: '{% $uuid() %}',
      },
    }),
    output: {
      partition: [[1, 2], [3]],
      range: [0, 2, 4],
      hash: 'a9993e364706816aba3e25717850c26c9cd0d89d',
      parse: { a: 1 },
      uuid: '00000000-0000-4000-8000-000000000002',
    },
  },
  {
    name: '$now() reads the injected clock',
    definition: singleJsonata({ Type: 'Pass', Output: '{% $now() %}' }),
    output: '2024-01-01T00:00:00.000Z',
  },
  {
    name: 'a JSONata state inside a JSONPath machine',
    definition: {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Result: { n: 2 }, Next: 'B' },
        B: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% $states.input.n * 3 %}', End: true },
      },
    },
    output: 6,
  },
  {
    name: 'JSONPath Assign, read by a JSONata state',
    definition: {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Assign: { 'who.$': '$.name' }, Next: 'B' },
        B: { Type: 'Pass', QueryLanguage: 'JSONata', Output: "{% 'hello ' & $who %}", End: true },
      },
    },
    input: { name: 'ada' },
    output: 'hello ada',
    check: (result) => assert.equal(result.status, 'SUCCEEDED'),
  },
]);
