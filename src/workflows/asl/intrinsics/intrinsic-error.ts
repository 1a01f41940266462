/**
 * Failure of an intrinsic function. AWS documents States.IntrinsicFailure as "reserved for future
 * use" and reports intrinsic failures as States.Runtime, so that is the name the engine raises.
 */
import { StatesError, StatesErrorNames } from '../errors.ts';

export function intrinsicFailure(name: string, reason: string): StatesError {
  return new StatesError(StatesErrorNames.Runtime, `${name}: ${reason}`);
}

export interface IntrinsicEnvironment {
  random(): number;
  uuid(): string;
}

export type IntrinsicFunction = (args: unknown[], env: IntrinsicEnvironment) => unknown;

export function expectArgs(name: string, args: unknown[], min: number, max = min) {
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : `${min} to ${max}`;
    throw intrinsicFailure(name, `expects ${expected} argument(s), got ${args.length}`);
  }
}

export function expectArray(name: string, value: unknown, position: number): unknown[] {
  if (!Array.isArray(value)) throw intrinsicFailure(name, `argument ${position} must be an array`);
  return value;
}

export function expectString(name: string, value: unknown, position: number): string {
  if (typeof value !== 'string') throw intrinsicFailure(name, `argument ${position} must be a string`);
  return value;
}

export function expectInteger(name: string, value: unknown, position: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw intrinsicFailure(name, `argument ${position} must be an integer`);
  return value;
}
