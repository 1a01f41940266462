/** States.StringToJson, States.JsonToString, States.JsonMerge. */
import { expectArgs, expectString, type IntrinsicFunction, intrinsicFailure } from './intrinsic-error.ts';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const jsonFunctions: Record<string, IntrinsicFunction> = {
  'States.StringToJson': (args) => {
    const name = 'States.StringToJson';
    expectArgs(name, args, 1);
    try {
      return JSON.parse(expectString(name, args[0], 1));
    } catch (error) {
      if (error instanceof SyntaxError) throw intrinsicFailure(name, 'the argument is not valid JSON');
      throw error;
    }
  },

  'States.JsonToString': (args) => {
    expectArgs('States.JsonToString', args, 1);
    return JSON.stringify(args[0]);
  },

  'States.JsonMerge': (args) => {
    const name = 'States.JsonMerge';
    expectArgs(name, args, 3);
    if (!isObject(args[0]) || !isObject(args[1]))
      throw intrinsicFailure(name, 'both inputs must be JSON objects');
    // AWS only supports the shallow mode: the third argument must be false.
    if (args[2] !== false)
      throw intrinsicFailure(name, 'the deep-merge flag must be false (only shallow merge exists)');
    return { ...args[0], ...args[1] };
  },
};
