/** The array intrinsics: States.Array, ArrayPartition, ArrayContains, ArrayRange, ArrayGetItem, ArrayLength, ArrayUnique. */
import { deepEqual } from './deep-equal.ts';
import {
  expectArgs,
  expectArray,
  expectInteger,
  type IntrinsicFunction,
  intrinsicFailure,
} from './intrinsic-error.ts';

// Step Functions caps a generated range at 1,000 items.
const maxRangeItems = 1000;

export const arrayFunctions: Record<string, IntrinsicFunction> = {
  'States.Array': (args) => args,

  'States.ArrayPartition': (args) => {
    const name = 'States.ArrayPartition';
    expectArgs(name, args, 2);
    const array = expectArray(name, args[0], 1);
    const size = expectInteger(name, args[1], 2);
    if (size <= 0) throw intrinsicFailure(name, 'the chunk size must be greater than 0');
    const chunks: unknown[][] = [];
    for (let i = 0; i < array.length; i += size) chunks.push(array.slice(i, i + size));
    return chunks;
  },

  'States.ArrayContains': (args) => {
    const name = 'States.ArrayContains';
    expectArgs(name, args, 2);
    return expectArray(name, args[0], 1).some((item) => deepEqual(item, args[1]));
  },

  'States.ArrayRange': (args) => {
    const name = 'States.ArrayRange';
    expectArgs(name, args, 3);
    const start = expectInteger(name, args[0], 1);
    const end = expectInteger(name, args[1], 2);
    const step = expectInteger(name, args[2], 3);
    if (step === 0) throw intrinsicFailure(name, 'the step must not be 0');
    const out: number[] = [];
    for (let value = start; step > 0 ? value <= end : value >= end; value += step) {
      out.push(value);
      if (out.length > maxRangeItems)
        throw intrinsicFailure(name, `the range has more than ${maxRangeItems} items`);
    }
    return out;
  },

  'States.ArrayGetItem': (args) => {
    const name = 'States.ArrayGetItem';
    expectArgs(name, args, 2);
    const array = expectArray(name, args[0], 1);
    const index = expectInteger(name, args[1], 2);
    if (index < 0 || index >= array.length) throw intrinsicFailure(name, `index ${index} is out of bounds`);
    return array[index];
  },

  'States.ArrayLength': (args) => {
    expectArgs('States.ArrayLength', args, 1);
    return expectArray('States.ArrayLength', args[0], 1).length;
  },

  'States.ArrayUnique': (args) => {
    expectArgs('States.ArrayUnique', args, 1);
    const out: unknown[] = [];
    for (const item of expectArray('States.ArrayUnique', args[0], 1)) {
      if (!out.some((seen) => deepEqual(seen, item))) out.push(item);
    }
    return out;
  },
};
