/** Conformance: the Succeed and Fail states. */
import assert from 'node:assert/strict';
import { runCases, single } from './harness/run-cases.ts';

runCases('Succeed and Fail', [
  {
    name: 'Succeed outputs its input',
    definition: single({ Type: 'Succeed' }),
    input: { a: 1 },
    output: { a: 1 },
  },
  {
    name: 'Succeed applies InputPath and OutputPath',
    definition: single({ Type: 'Succeed', InputPath: '$.a', OutputPath: '$.b' }),
    input: { a: { b: 3 } },
    output: 3,
  },
  {
    name: 'Succeed ends the machine even when reached mid-chain',
    definition: {
      StartAt: 'A',
      States: { A: { Type: 'Pass', Result: 'x', Next: 'Done' }, Done: { Type: 'Succeed' } },
    },
    output: 'x',
  },
  {
    name: 'Fail with Error and Cause',
    definition: single({ Type: 'Fail', Error: 'MyError', Cause: 'it broke' }),
    error: 'MyError',
    cause: 'it broke',
  },
  {
    name: 'Fail without Error or Cause',
    note: 'AWS leaves both empty',
    definition: single({ Type: 'Fail' }),
    error: '',
    cause: '',
  },
  {
    name: 'Fail with ErrorPath and CausePath',
    definition: single({ Type: 'Fail', ErrorPath: '$.e', CausePath: '$.c' }),
    input: { e: 'FromInput', c: 'because' },
    error: 'FromInput',
    cause: 'because',
  },
  {
    name: 'CausePath may be an intrinsic function',
    definition: single({ Type: 'Fail', Error: 'E', CausePath: "States.Format('item {} failed', $.id)" }),
    input: { id: 7 },
    error: 'E',
    cause: 'item 7 failed',
  },
  {
    name: 'ErrorPath to a non-string is States.Runtime',
    definition: single({ Type: 'Fail', ErrorPath: '$.e' }),
    input: { e: 5 },
    error: 'States.Runtime',
  },
  {
    name: 'Fail records FailStateEntered and then ExecutionFailed, with no exit event',
    definition: single({ Type: 'Fail', Error: 'MyError', Cause: 'it broke' }),
    input: { x: 1 },
    error: 'MyError',
    cause: 'it broke',
    check(_result, world) {
      assert.deepEqual(
        world.history.map((event) => event.type),
        ['ExecutionStarted', 'FailStateEntered', 'ExecutionFailed'],
      );
      assert.deepEqual(world.history[2]!.details, { error: 'MyError', cause: 'it broke' });
    },
  },
]);
