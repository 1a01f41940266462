/** Definition validation: every case names the field and reason the error must report. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findProblems, isSlipwayErrorLike, validateDefinitionOrProblem } from './harness/validation.ts';

interface ValidationCase {
  name: string;
  definition: unknown;
  /** The first problem's field and reason (the thrown message is `field: reason`). */
  field: string;
  reason: RegExp;
}

const task = (extra: Record<string, unknown> = {}) => ({ Type: 'Task', Resource: 'fn', End: true, ...extra });
const machine = (states: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  StartAt: Object.keys(states)[0],
  States: states,
  ...extra,
});

const cases: ValidationCase[] = [
  { name: 'not an object', definition: 'x', field: '(root)', reason: /must be a JSON object/ },
  { name: 'no States', definition: { StartAt: 'A' }, field: 'States', reason: /at least one state/ },
  {
    name: 'StartAt names a missing state',
    definition: { StartAt: 'Nope', States: { A: { Type: 'Succeed' } } },
    field: 'StartAt',
    reason: /"Nope" does not exist/,
  },
  {
    name: 'Next names a missing state (the typo case)',
    definition: machine({ Prepare: { Type: 'Pass', Next: 'Trian' }, Train: task() }),
    field: 'States.Prepare.Next',
    reason: /state "Trian" does not exist/,
  },
  {
    name: 'unknown state type',
    definition: machine({ A: { Type: 'Loop', End: true } }),
    field: 'States.A.Type',
    reason: /must be one of/,
  },
  {
    name: 'unknown top-level field',
    definition: { ...machine({ A: { Type: 'Succeed' } }), Foo: 1 },
    field: 'Foo',
    reason: /not a known field/,
  },
  {
    name: 'unknown state field',
    definition: machine({ A: { Type: 'Pass', End: true, Color: 'red' } }),
    field: 'States.A.Color',
    reason: /not a field of a Pass state/,
  },
  {
    name: 'neither Next nor End',
    definition: machine({ A: { Type: 'Pass' } }),
    field: 'States.A',
    reason: /must have Next or "End": true/,
  },
  {
    name: 'both Next and End',
    definition: machine({ A: { Type: 'Pass', Next: 'A', End: true } }),
    field: 'States.A',
    reason: /both Next and End/,
  },
  {
    name: 'Succeed with Next',
    definition: machine({ A: { Type: 'Succeed', Next: 'A' } }),
    field: 'States.A.Next',
    reason: /cannot have Next/,
  },
  {
    name: 'Fail with End',
    definition: machine({ A: { Type: 'Fail', End: true } }),
    field: 'States.A.End',
    reason: /cannot have End/,
  },
  {
    name: 'unreachable state',
    definition: machine({ A: { Type: 'Succeed' }, Orphan: { Type: 'Succeed' } }),
    field: 'States.Orphan',
    reason: /not reachable from StartAt "A"/,
  },
  {
    name: 'state name too long',
    definition: { StartAt: 'x'.repeat(81), States: { ['x'.repeat(81)]: { Type: 'Succeed' } } },
    field: `States.${'x'.repeat(81)}`,
    reason: /1 to 80/,
  },
  {
    name: 'bad QueryLanguage',
    definition: machine({ A: { Type: 'Succeed' } }, { QueryLanguage: 'XPath' }),
    field: 'QueryLanguage',
    reason: /JSONPath or JSONata/,
  },
  {
    name: 'TimeoutSeconds not positive',
    definition: machine({ A: { Type: 'Succeed' } }, { TimeoutSeconds: 0 }),
    field: 'TimeoutSeconds',
    reason: /positive integer/,
  },
  {
    name: 'JSONPath field in a JSONata state',
    definition: machine({ A: { Type: 'Pass', InputPath: '$.x', End: true } }, { QueryLanguage: 'JSONata' }),
    field: 'States.A.InputPath',
    reason: /JSONPath field; this state uses JSONata/,
  },
  {
    name: 'JSONata field in a JSONPath state',
    definition: machine({ A: { Type: 'Task', Resource: 'fn', Arguments: {}, End: true } }),
    field: 'States.A.Arguments',
    reason: /JSONata field; this state uses JSONPath/,
  },
  {
    name: 'a JSONPath state inside a JSONata machine',
    definition: machine(
      { A: { Type: 'Pass', QueryLanguage: 'JSONPath', End: true } },
      { QueryLanguage: 'JSONata' },
    ),
    field: 'States.A.QueryLanguage',
    reason: /cannot use JSONPath/,
  },
  {
    name: 'invalid JSONPath in InputPath',
    definition: machine({ A: { Type: 'Pass', InputPath: 'x.y', End: true } }),
    field: 'States.A.InputPath',
    reason: /starts with "\$"/,
  },
  {
    name: 'ResultPath must be a reference path',
    definition: machine({ A: { Type: 'Pass', ResultPath: '$.a[*]', End: true } }),
    field: 'States.A.ResultPath',
    reason: /reference path/,
  },
  {
    name: 'unknown intrinsic in Parameters',
    definition: machine({ A: { Type: 'Pass', Parameters: { 'x.$': 'States.Nope($.a)' }, End: true } }),
    field: 'States.A.Parameters.x.$',
    reason: /States.Nope is not an intrinsic function/,
  },
  {
    name: 'malformed intrinsic',
    definition: machine({ A: { Type: 'Pass', Parameters: { 'x.$': "States.Format('a'" }, End: true } }),
    field: 'States.A.Parameters.x.$',
    reason: /invalid intrinsic function/,
  },
  {
    name: 'bad JSONata expression',
    definition: machine(
      { A: { Type: 'Pass', Output: '{% $states.input.( %}', End: true } },
      { QueryLanguage: 'JSONata' },
    ),
    field: 'States.A.Output',
    reason: /invalid JSONata expression/,
  },
  {
    name: 'bad variable name in Assign',
    definition: machine({ A: { Type: 'Pass', Assign: { 'bad-name': 1 }, End: true } }),
    field: 'States.A.Assign.bad-name',
    reason: /not a valid variable name/,
  },
  {
    name: 'Task without Resource',
    definition: machine({ A: { Type: 'Task', End: true } }),
    field: 'States.A.Resource',
    reason: /needs a Resource/,
  },
  {
    name: 'HeartbeatSeconds not below TimeoutSeconds',
    definition: machine({ A: task({ TimeoutSeconds: 10, HeartbeatSeconds: 10 }) }),
    field: 'States.A.HeartbeatSeconds',
    reason: /smaller than TimeoutSeconds/,
  },
  {
    name: 'TimeoutSeconds with TimeoutSecondsPath',
    definition: machine({ A: task({ TimeoutSeconds: 10, TimeoutSecondsPath: '$.t' }) }),
    field: 'States.A.TimeoutSecondsPath',
    reason: /together with TimeoutSeconds/,
  },
  {
    name: 'Choice without Choices',
    definition: machine({ A: { Type: 'Choice', Default: 'A' } }),
    field: 'States.A.Choices',
    reason: /non-empty array/,
  },
  {
    name: 'Choice rule without Next',
    definition: machine({
      A: { Type: 'Choice', Choices: [{ Variable: '$.a', IsNull: true }], Default: 'B' },
      B: { Type: 'Succeed' },
    }),
    field: 'States.A.Choices[0].Next',
    reason: /must name the Next state/,
  },
  {
    name: 'Choice rule with two operators',
    definition: machine({
      A: { Type: 'Choice', Choices: [{ Variable: '$.a', IsNull: true, IsString: true, Next: 'B' }] },
      B: { Type: 'Succeed' },
    }),
    field: 'States.A.Choices[0]',
    reason: /exactly one of And, Or, Not or a comparison operator/,
  },
  {
    name: 'Choice operand of the wrong type',
    definition: machine({
      A: { Type: 'Choice', Choices: [{ Variable: '$.a', NumericEquals: '1', Next: 'B' }] },
      B: { Type: 'Succeed' },
    }),
    field: 'States.A.Choices[0].NumericEquals',
    reason: /must be a number/,
  },
  {
    name: 'unknown Choice operator',
    definition: machine({
      A: { Type: 'Choice', Choices: [{ Variable: '$.a', NumberIs: 1, Next: 'B' }] },
      B: { Type: 'Succeed' },
    }),
    field: 'States.A.Choices[0].NumberIs',
    reason: /not a choice comparison operator/,
  },
  {
    name: 'nested Choice rule with Next',
    definition: machine({
      A: { Type: 'Choice', Choices: [{ Not: { Variable: '$.a', IsNull: true, Next: 'B' }, Next: 'B' }] },
      B: { Type: 'Succeed' },
    }),
    field: 'States.A.Choices[0].Not.Next',
    reason: /nested choice rule cannot have Next/,
  },
  {
    name: 'JSONata Choice rule without Condition',
    definition: machine(
      { A: { Type: 'Choice', Choices: [{ Next: 'B' }] }, B: { Type: 'Succeed' } },
      { QueryLanguage: 'JSONata' },
    ),
    field: 'States.A.Choices[0].Condition',
    reason: /needs a Condition/,
  },
  {
    name: 'Choice Default to a missing state',
    definition: machine({
      A: { Type: 'Choice', Choices: [{ Variable: '$.a', IsNull: true, Next: 'B' }], Default: 'Z' },
      B: { Type: 'Succeed' },
    }),
    field: 'States.A.Default',
    reason: /"Z" does not exist/,
  },
  {
    name: 'Wait with two durations',
    definition: machine({ A: { Type: 'Wait', Seconds: 1, SecondsPath: '$.s', End: true } }),
    field: 'States.A',
    reason: /exactly one of Seconds/,
  },
  {
    name: 'Wait with a bad Timestamp',
    definition: machine({ A: { Type: 'Wait', Timestamp: '2024-01-01', End: true } }),
    field: 'States.A.Timestamp',
    reason: /RFC 3339/,
  },
  {
    name: 'Retry ErrorEquals empty',
    definition: machine({ A: task({ Retry: [{ ErrorEquals: [] }] }) }),
    field: 'States.A.Retry[0].ErrorEquals',
    reason: /non-empty array/,
  },
  {
    name: 'States.ALL not alone',
    definition: machine({ A: task({ Retry: [{ ErrorEquals: ['States.ALL', 'E'] }] }) }),
    field: 'States.A.Retry[0].ErrorEquals',
    reason: /must appear alone/,
  },
  {
    name: 'States.ALL not in the last retrier',
    definition: machine({ A: task({ Retry: [{ ErrorEquals: ['States.ALL'] }, { ErrorEquals: ['E'] }] }) }),
    field: 'States.A.Retry[0].ErrorEquals',
    reason: /last retrier or catcher/,
  },
  {
    name: 'BackoffRate below 1',
    definition: machine({ A: task({ Retry: [{ ErrorEquals: ['E'], BackoffRate: 0.5 }] }) }),
    field: 'States.A.Retry[0].BackoffRate',
    reason: /at least 1/,
  },
  {
    name: 'IntervalSeconds not an integer',
    definition: machine({ A: task({ Retry: [{ ErrorEquals: ['E'], IntervalSeconds: 1.5 }] }) }),
    field: 'States.A.Retry[0].IntervalSeconds',
    reason: /an integer/,
  },
  {
    name: 'bad JitterStrategy',
    definition: machine({ A: task({ Retry: [{ ErrorEquals: ['E'], JitterStrategy: 'HALF' }] }) }),
    field: 'States.A.Retry[0].JitterStrategy',
    reason: /FULL or NONE/,
  },
  {
    name: 'Catch to a missing state',
    definition: machine({ A: task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handler' }] }) }),
    field: 'States.A.Catch[0].Next',
    reason: /"Handler" does not exist/,
  },
  {
    name: 'Catch with Output in JSONPath',
    definition: machine({ A: task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'A', Output: {} }] }) }),
    field: 'States.A.Catch[0].Output',
    reason: /JSONata field/,
  },
  {
    name: 'Parallel without Branches',
    definition: machine({ A: { Type: 'Parallel', Branches: [], End: true } }),
    field: 'States.A.Branches',
    reason: /non-empty array/,
  },
  {
    name: 'a problem inside a Parallel branch names its path',
    definition: machine({
      A: {
        Type: 'Parallel',
        Branches: [{ StartAt: 'X', States: { X: { Type: 'Pass', Next: 'Y' } } }],
        End: true,
      },
    }),
    field: 'States.A.Branches[0].States.X.Next',
    reason: /"Y" does not exist/,
  },
  {
    name: 'a branch cannot jump to an outer state',
    definition: machine({
      A: {
        Type: 'Parallel',
        Branches: [{ StartAt: 'X', States: { X: { Type: 'Pass', Next: 'B' } } }],
        Next: 'B',
      },
      B: { Type: 'Succeed' },
    }),
    field: 'States.A.Branches[0].States.X.Next',
    reason: /"B" does not exist/,
  },
  {
    name: 'Map without a processor',
    definition: machine({ A: { Type: 'Map', End: true } }),
    field: 'States.A',
    reason: /exactly one of ItemProcessor or Iterator/,
  },
  {
    name: 'Map ToleratedFailurePercentage above 100',
    definition: machine({
      A: {
        Type: 'Map',
        ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Succeed' } } },
        ToleratedFailurePercentage: 150,
        End: true,
      },
    }),
    field: 'States.A.ToleratedFailurePercentage',
    reason: /at most 100/,
  },
  {
    name: 'Map ItemReader with an unknown InputType',
    definition: machine({
      A: {
        Type: 'Map',
        ItemReader: { Resource: 'r', ReaderConfig: { InputType: 'XML' } },
        ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Succeed' } } },
        End: true,
      },
    }),
    field: 'States.A.ItemReader.ReaderConfig.InputType',
    reason: /CSV, JSON or JSONL/,
  },
  {
    name: 'Map ItemReader GIVEN headers without CSVHeaders',
    definition: machine({
      A: {
        Type: 'Map',
        ItemReader: { Resource: 'r', ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'GIVEN' } },
        ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Succeed' } } },
        End: true,
      },
    }),
    field: 'States.A.ItemReader.ReaderConfig.CSVHeaders',
    reason: /required when CSVHeaderLocation is GIVEN/,
  },
  {
    name: 'Map processor problems are reported inside it',
    definition: machine({
      A: { Type: 'Map', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass' } } }, End: true },
    }),
    field: 'States.A.ItemProcessor.States.P',
    reason: /must have Next/,
  },
];

describe('definition validation', () => {
  for (const c of cases) {
    it(c.name, () => {
      const problem = validateDefinitionOrProblem(c.definition);
      assert.ok(problem, 'expected the definition to be refused');
      assert.equal(problem.field, c.field);
      assert.match(problem.reason, c.reason);
    });
  }

  it('accepts a valid definition using every state type', () => {
    const definition = {
      Comment: 'all types',
      StartAt: 'P',
      States: {
        P: { Type: 'Pass', Next: 'T' },
        T: {
          Type: 'Task',
          Resource: 'fn',
          Retry: [{ ErrorEquals: ['States.ALL'] }],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'F' }],
          Next: 'C',
        },
        C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Next: 'W' }], Default: 'Par' },
        W: { Type: 'Wait', Seconds: 1, Next: 'Par' },
        Par: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'B', States: { B: { Type: 'Succeed' } } }],
          Next: 'M',
        },
        M: {
          Type: 'Map',
          ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } },
          Next: 'Done',
        },
        Done: { Type: 'Succeed' },
        F: { Type: 'Fail', Error: 'E' },
      },
    };
    assert.equal(validateDefinitionOrProblem(definition), null);
    assert.deepEqual(findProblems(definition), []);
  });

  it('throws a validation SlipwayError whose message is "field: reason" and lists all problems', () => {
    const thrown = (() => {
      try {
        validateDefinitionOrProblem.throwing({
          StartAt: 'A',
          States: { A: { Type: 'Pass', Next: 'Trian' }, B: { Type: 'Pass' } },
        });
      } catch (error) {
        return error;
      }
    })();
    assert.ok(isSlipwayErrorLike(thrown));
    assert.equal(thrown.kind, 'validation');
    assert.equal(thrown.message, 'States.A.Next: state "Trian" does not exist');
    const problems = thrown.details.problems as { field: string }[];
    assert.deepEqual(
      problems.map((p) => p.field),
      ['States.A.Next', 'States.B', 'States.B'],
    );
  });
});
