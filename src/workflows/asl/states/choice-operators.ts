/**
 * The JSONPath Choice comparison operators, shared by the interpreter and by validation. Each
 * operator names the type its operand must have; comparing values of another type is simply
 * false (ASL spec: "a comparison of mismatched types is false"), never an error.
 */

import { globPieces, matchesGlob } from '../../../core/glob.ts';
import { parseTimestamp } from './timestamp.ts';

/** The fields of a Choice rule that are not a comparison operator. */
export const choiceRuleFields: ReadonlySet<string> = new Set([
  'Next',
  'Variable',
  'Condition',
  'And',
  'Or',
  'Not',
  'Assign',
  'Output',
  'Comment',
]);

export type OperandType = 'string' | 'number' | 'boolean' | 'timestamp' | 'test';

type Compare = (left: unknown, right: unknown) => boolean;

const stringCompare =
  (test: (a: string, b: string) => boolean): Compare =>
  (a, b) =>
    typeof a === 'string' && typeof b === 'string' && test(a, b);
const numberCompare =
  (test: (a: number, b: number) => boolean): Compare =>
  (a, b) =>
    typeof a === 'number' && typeof b === 'number' && test(a, b);
const timestampCompare =
  (test: (a: number, b: number) => boolean): Compare =>
  (a, b) => {
    const left = typeof a === 'string' ? parseTimestamp(a) : null;
    const right = typeof b === 'string' ? parseTimestamp(b) : null;
    return left !== null && right !== null && test(left, right);
  };

/** StringMatches: `*` matches any run of characters; `\*` and `\\` are a literal star and backslash. */
export function stringMatches(value: string, pattern: string): boolean {
  return matchesGlob(value, globPieces(pattern, true));
}

const comparisons: Record<string, { type: OperandType; compare: Compare }> = {
  StringEquals: { type: 'string', compare: stringCompare((a, b) => a === b) },
  StringLessThan: { type: 'string', compare: stringCompare((a, b) => a < b) },
  StringGreaterThan: { type: 'string', compare: stringCompare((a, b) => a > b) },
  StringLessThanEquals: { type: 'string', compare: stringCompare((a, b) => a <= b) },
  StringGreaterThanEquals: { type: 'string', compare: stringCompare((a, b) => a >= b) },
  StringMatches: { type: 'string', compare: stringCompare(stringMatches) },
  NumericEquals: { type: 'number', compare: numberCompare((a, b) => a === b) },
  NumericLessThan: { type: 'number', compare: numberCompare((a, b) => a < b) },
  NumericGreaterThan: { type: 'number', compare: numberCompare((a, b) => a > b) },
  NumericLessThanEquals: { type: 'number', compare: numberCompare((a, b) => a <= b) },
  NumericGreaterThanEquals: { type: 'number', compare: numberCompare((a, b) => a >= b) },
  BooleanEquals: { type: 'boolean', compare: (a, b) => typeof a === 'boolean' && a === b },
  TimestampEquals: { type: 'timestamp', compare: timestampCompare((a, b) => a === b) },
  TimestampLessThan: { type: 'timestamp', compare: timestampCompare((a, b) => a < b) },
  TimestampGreaterThan: { type: 'timestamp', compare: timestampCompare((a, b) => a > b) },
  TimestampLessThanEquals: { type: 'timestamp', compare: timestampCompare((a, b) => a <= b) },
  TimestampGreaterThanEquals: { type: 'timestamp', compare: timestampCompare((a, b) => a >= b) },
};

/** Type tests: the operand is a boolean saying whether the test should hold. */
const typeTests: Record<string, (value: unknown) => boolean> = {
  IsNull: (v) => v === null,
  IsNumeric: (v) => typeof v === 'number',
  IsString: (v) => typeof v === 'string',
  IsBoolean: (v) => typeof v === 'boolean',
  IsTimestamp: (v) => typeof v === 'string' && parseTimestamp(v) !== null,
};

export interface ChoiceOperator {
  name: string;
  /** Operand is a path to the value to compare with (the `...Path` variants). */
  operandIsPath: boolean;
  type: OperandType;
  test(value: unknown, operand: unknown): boolean;
}

const operators = new Map<string, ChoiceOperator>();
for (const [name, { type, compare }] of Object.entries(comparisons)) {
  operators.set(name, { name, operandIsPath: false, type, test: compare });
  // StringMatches has no Path variant in the specification.
  if (name !== 'StringMatches')
    operators.set(`${name}Path`, { name: `${name}Path`, operandIsPath: true, type, test: compare });
}
for (const [name, test] of Object.entries(typeTests))
  operators.set(name, {
    name,
    operandIsPath: false,
    type: 'test',
    test: (v, expected) => test(v) === expected,
  });
// IsPresent is evaluated by the caller, which knows whether the path exists.
operators.set('IsPresent', { name: 'IsPresent', operandIsPath: false, type: 'test', test: () => false });

export function choiceOperator(name: string): ChoiceOperator | undefined {
  return operators.get(name);
}

export const choiceOperatorNames = [...operators.keys()];
