/** Conformance: the Pass state and JSONPath input/output processing (InputPath, Parameters, ResultPath, OutputPath). */
import assert from 'node:assert/strict';
import { runCases, single } from './harness/run-cases.ts';

const input = { title: 'Numbers to add', numbers: { val1: 3, val2: 4 }, list: [{ id: 1 }, { id: 2 }] };

runCases('Pass and JSONPath data flow', [
  { name: 'passes its input through by default', definition: single({ Type: 'Pass' }), input, output: input },
  {
    name: 'Result replaces the output',
    definition: single({ Type: 'Pass', Result: { x: 1 } }),
    input,
    output: { x: 1 },
  },
  {
    name: 'ResultPath inserts the result into the input',
    definition: single({ Type: 'Pass', Result: 7, ResultPath: '$.numbers.sum' }),
    input,
    output: { ...input, numbers: { val1: 3, val2: 4, sum: 7 } },
  },
  {
    name: 'ResultPath creates missing objects on the way',
    definition: single({ Type: 'Pass', Result: 'v', ResultPath: '$.a.b.c' }),
    input: { z: 0 },
    output: { z: 0, a: { b: { c: 'v' } } },
  },
  {
    name: 'ResultPath overwrites an existing field',
    definition: single({ Type: 'Pass', Result: 'new', ResultPath: '$.title' }),
    input,
    output: { ...input, title: 'new' },
  },
  {
    name: 'ResultPath null discards the result',
    definition: single({ Type: 'Pass', Result: 'ignored', ResultPath: null }),
    input,
    output: input,
  },
  {
    name: 'ResultPath into a non-object fails with States.ResultPathMatchFailure',
    definition: single({ Type: 'Pass', Result: 1, ResultPath: '$.title.x' }),
    input,
    error: 'States.ResultPathMatchFailure',
  },
  {
    name: 'ResultPath can write an existing array element',
    definition: single({ Type: 'Pass', Result: { id: 9 }, ResultPath: '$.list[1]' }),
    input,
    output: { ...input, list: [{ id: 1 }, { id: 9 }] },
  },
  {
    name: 'InputPath selects part of the input',
    definition: single({ Type: 'Pass', InputPath: '$.numbers' }),
    input,
    output: { val1: 3, val2: 4 },
  },
  {
    name: 'InputPath null gives an empty object',
    definition: single({ Type: 'Pass', InputPath: null }),
    input,
    output: {},
  },
  {
    name: 'InputPath to a missing field is States.Runtime',
    note: 'AWS: "The JSONPath ... specified for the field InputPath could not be found in the input", error States.Runtime',
    definition: single({ Type: 'Pass', InputPath: '$.missing' }),
    input,
    error: 'States.Runtime',
    cause: /could not be found/,
  },
  {
    name: 'OutputPath selects part of the output',
    definition: single({ Type: 'Pass', OutputPath: '$.list[0]' }),
    input,
    output: { id: 1 },
  },
  {
    name: 'OutputPath null gives an empty object',
    definition: single({ Type: 'Pass', OutputPath: null }),
    input,
    output: {},
  },
  {
    name: 'ResultPath applies to the raw input, not the InputPath selection',
    definition: single({ Type: 'Pass', InputPath: '$.numbers', ResultPath: '$.copy' }),
    input: { numbers: { a: 1 }, other: true },
    output: { numbers: { a: 1 }, other: true, copy: { a: 1 } },
  },
  {
    name: 'Parameters builds a new object with static and .$ values',
    definition: single({
      Type: 'Pass',
      Parameters: { static: 'foo', 'first.$': '$.numbers.val1', nested: { 'id.$': '$.list[1].id' } },
    }),
    input,
    output: { static: 'foo', first: 3, nested: { id: 2 } },
  },
  {
    name: 'Parameters with a .$ path that is missing is States.Runtime',
    definition: single({ Type: 'Pass', Parameters: { 'x.$': '$.nope' } }),
    input,
    error: 'States.Runtime',
  },
  {
    name: 'Parameters sees the InputPath selection as $',
    definition: single({ Type: 'Pass', InputPath: '$.numbers', Parameters: { 'v.$': '$.val2' } }),
    input,
    output: { v: 4 },
  },
  {
    name: 'Parameters values inside arrays are templates too',
    definition: single({ Type: 'Pass', Parameters: { items: [{ 'x.$': '$.title' }, 'plain'] } }),
    input,
    output: { items: [{ x: 'Numbers to add' }, 'plain'] },
  },
  {
    name: 'a key without .$ keeps a path-looking string literally',
    definition: single({ Type: 'Pass', Parameters: { literal: '$.title' } }),
    input,
    output: { literal: '$.title' },
  },
  {
    name: 'Pass chains through Next',
    definition: {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Result: 1, ResultPath: '$.a', Next: 'B' },
        B: { Type: 'Pass', Result: 2, ResultPath: '$.b', End: true },
      },
    },
    input: {},
    output: { a: 1, b: 2 },
  },
]);

runCases('JSONPath expressions', [
  {
    name: 'bracket notation with quotes',
    definition: single({ Type: 'Pass', Parameters: { 'v.$': "$['odd key']" } }),
    input: { 'odd key': 1 },
    output: { v: 1 },
  },
  {
    name: 'wildcard over an array',
    definition: single({ Type: 'Pass', Parameters: { 'ids.$': '$.list[*].id' } }),
    input,
    output: { ids: [1, 2] },
  },
  {
    name: 'dot wildcard over an object',
    definition: single({ Type: 'Pass', Parameters: { 'v.$': '$.numbers.*' } }),
    input,
    output: { v: [3, 4] },
  },
  {
    name: 'slice',
    definition: single({ Type: 'Pass', Parameters: { 'v.$': '$.a[1:3]' } }),
    input: { a: [0, 1, 2, 3] },
    output: { v: [1, 2] },
  },
  {
    name: 'union of indices',
    definition: single({ Type: 'Pass', Parameters: { 'v.$': '$.a[0,2]' } }),
    input: { a: ['x', 'y', 'z'] },
    output: { v: ['x', 'z'] },
  },
  {
    name: 'deep scan',
    definition: single({ Type: 'Pass', Parameters: { 'v.$': '$..id' } }),
    input,
    output: { v: [1, 2] },
  },
  {
    name: 'filter expression',
    definition: single({ Type: 'Pass', Parameters: { 'v.$': '$.list[?(@.id > 1)]' } }),
    input,
    output: { v: [{ id: 2 }] },
  },
  {
    name: 'an indefinite path that matches nothing is an empty array',
    note: 'Step Functions returns [] for a wildcard with no match rather than failing',
    definition: single({ Type: 'Pass', Parameters: { 'v.$': '$.none[*]' } }),
    input: {},
    output: { v: [] },
  },
  {
    name: 'negative index from the end',
    definition: single({ Type: 'Pass', Parameters: { 'v.$': '$.a[-1]' } }),
    input: { a: [1, 2, 3] },
    output: { v: 3 },
  },
]);

runCases('context object', [
  {
    name: '$$ exposes execution, state machine and state',
    definition: single({
      Type: 'Pass',
      Parameters: {
        'state.$': '$$.State.Name',
        'input.$': '$$.Execution.Input',
        'started.$': '$$.Execution.StartTime',
        'retries.$': '$$.State.RetryCount',
      },
    }),
    input: { k: 1 },
    output: { state: 'S', input: { k: 1 }, started: '2024-01-01T00:00:00.000Z', retries: 0 },
  },
  {
    name: '$$.Execution.Name is the execution name',
    definition: single({
      Type: 'Pass',
      Parameters: { 'name.$': '$$.Execution.Name', 'machine.$': '$$.StateMachine.Name' },
    }),
    output: { name: '00000000-0000-4000-8000-000000000001', machine: 'StateMachine' },
  },
  {
    name: 'records PassStateEntered with its input and PassStateExited with its output',
    definition: single({ Type: 'Pass', Result: 1 }),
    input: { x: 1 },
    output: 1,
    check(_result, world) {
      assert.deepEqual(
        world.history.map((event) => [event.id, event.previousEventId, event.type]),
        [
          [1, 0, 'ExecutionStarted'],
          [2, 1, 'PassStateEntered'],
          [3, 2, 'PassStateExited'],
          [4, 3, 'ExecutionSucceeded'],
        ],
      );
      assert.deepEqual(world.history[1]!.details, { name: 'S', input: { x: 1 } });
      assert.deepEqual(world.history[2]!.details, { name: 'S', output: 1 });
    },
  },
]);
