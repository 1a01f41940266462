/**
 * Typed Choice rules: `ChoiceRule.numericGreaterThan('$.accuracy', 0.9)`, combined with
 * `ChoiceRule.and(...)`, `or(...)`, `not(...)`. Each `…Path` variant compares with another path.
 */
import type { ChoiceRule as AslChoiceRule } from '../asl/index.ts';

export class ChoiceRule {
  private constructor(readonly rule: AslChoiceRule) {}

  toAsl(): AslChoiceRule {
    return this.rule;
  }

  private static compare<T>(operator: string) {
    return (variable: string, value: T) => {
      if (!variable.startsWith('$'))
        throw new Error(`${operator}: the variable must be a path, got "${variable}"`);
      return new ChoiceRule({ Variable: variable, [operator]: value });
    };
  }

  static stringEquals = ChoiceRule.compare<string>('StringEquals');
  static stringEqualsPath = ChoiceRule.compare<string>('StringEqualsPath');
  static stringLessThan = ChoiceRule.compare<string>('StringLessThan');
  static stringLessThanPath = ChoiceRule.compare<string>('StringLessThanPath');
  static stringGreaterThan = ChoiceRule.compare<string>('StringGreaterThan');
  static stringGreaterThanPath = ChoiceRule.compare<string>('StringGreaterThanPath');
  static stringLessThanEquals = ChoiceRule.compare<string>('StringLessThanEquals');
  static stringLessThanEqualsPath = ChoiceRule.compare<string>('StringLessThanEqualsPath');
  static stringGreaterThanEquals = ChoiceRule.compare<string>('StringGreaterThanEquals');
  static stringGreaterThanEqualsPath = ChoiceRule.compare<string>('StringGreaterThanEqualsPath');
  static stringMatches = ChoiceRule.compare<string>('StringMatches');
  static numericEquals = ChoiceRule.compare<number>('NumericEquals');
  static numericEqualsPath = ChoiceRule.compare<string>('NumericEqualsPath');
  static numericLessThan = ChoiceRule.compare<number>('NumericLessThan');
  static numericLessThanPath = ChoiceRule.compare<string>('NumericLessThanPath');
  static numericGreaterThan = ChoiceRule.compare<number>('NumericGreaterThan');
  static numericGreaterThanPath = ChoiceRule.compare<string>('NumericGreaterThanPath');
  static numericLessThanEquals = ChoiceRule.compare<number>('NumericLessThanEquals');
  static numericLessThanEqualsPath = ChoiceRule.compare<string>('NumericLessThanEqualsPath');
  static numericGreaterThanEquals = ChoiceRule.compare<number>('NumericGreaterThanEquals');
  static numericGreaterThanEqualsPath = ChoiceRule.compare<string>('NumericGreaterThanEqualsPath');
  static booleanEquals = ChoiceRule.compare<boolean>('BooleanEquals');
  static booleanEqualsPath = ChoiceRule.compare<string>('BooleanEqualsPath');
  static timestampEquals = ChoiceRule.compare<string>('TimestampEquals');
  static timestampEqualsPath = ChoiceRule.compare<string>('TimestampEqualsPath');
  static timestampLessThan = ChoiceRule.compare<string>('TimestampLessThan');
  static timestampLessThanPath = ChoiceRule.compare<string>('TimestampLessThanPath');
  static timestampGreaterThan = ChoiceRule.compare<string>('TimestampGreaterThan');
  static timestampGreaterThanPath = ChoiceRule.compare<string>('TimestampGreaterThanPath');
  static timestampLessThanEquals = ChoiceRule.compare<string>('TimestampLessThanEquals');
  static timestampLessThanEqualsPath = ChoiceRule.compare<string>('TimestampLessThanEqualsPath');
  static timestampGreaterThanEquals = ChoiceRule.compare<string>('TimestampGreaterThanEquals');
  static timestampGreaterThanEqualsPath = ChoiceRule.compare<string>('TimestampGreaterThanEqualsPath');
  static isPresent = ChoiceRule.compare<boolean>('IsPresent');
  static isNull = ChoiceRule.compare<boolean>('IsNull');
  static isString = ChoiceRule.compare<boolean>('IsString');
  static isNumeric = ChoiceRule.compare<boolean>('IsNumeric');
  static isBoolean = ChoiceRule.compare<boolean>('IsBoolean');
  static isTimestamp = ChoiceRule.compare<boolean>('IsTimestamp');

  static and(...rules: ChoiceRule[]): ChoiceRule {
    if (rules.length === 0) throw new Error('ChoiceRule.and: needs at least one rule');
    return new ChoiceRule({ And: rules.map((r) => r.rule) });
  }
  static or(...rules: ChoiceRule[]): ChoiceRule {
    if (rules.length === 0) throw new Error('ChoiceRule.or: needs at least one rule');
    return new ChoiceRule({ Or: rules.map((r) => r.rule) });
  }
  static not(rule: ChoiceRule): ChoiceRule {
    return new ChoiceRule({ Not: rule.rule });
  }
}
