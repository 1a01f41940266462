/** States.MathRandom and States.MathAdd (integers, as AWS requires). */
import { expectArgs, expectInteger, type IntrinsicFunction, intrinsicFailure } from './intrinsic-error.ts';

/** mulberry32: a tiny deterministic generator, so a seeded MathRandom repeats across runs. */
function seededRandom(seed: number): number {
  let t = (seed + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const int32 = (name: string, value: number) => {
  if (value < -2147483648 || value > 2147483647)
    throw intrinsicFailure(name, 'arguments must be 32-bit integers');
  return value;
};

export const mathFunctions: Record<string, IntrinsicFunction> = {
  // Start is inclusive and end exclusive, as in the AWS examples (a value in [start, end)).
  'States.MathRandom': (args, env) => {
    const name = 'States.MathRandom';
    expectArgs(name, args, 2, 3);
    const start = expectInteger(name, args[0], 1);
    const end = expectInteger(name, args[1], 2);
    if (end <= start) throw intrinsicFailure(name, 'the end must be greater than the start');
    const draw = args.length === 3 ? seededRandom(expectInteger(name, args[2], 3)) : env.random();
    return start + Math.floor(draw * (end - start));
  },

  'States.MathAdd': (args) => {
    const name = 'States.MathAdd';
    expectArgs(name, args, 2);
    return int32(name, expectInteger(name, args[0], 1)) + int32(name, expectInteger(name, args[1], 2));
  },
};
