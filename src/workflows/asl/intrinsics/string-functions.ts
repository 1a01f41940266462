/** States.Format, States.StringSplit and States.UUID. */
import { expectArgs, expectString, type IntrinsicFunction, intrinsicFailure } from './intrinsic-error.ts';

function formatValue(name: string, value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  // AWS refuses objects and arrays as Format arguments.
  throw intrinsicFailure(name, 'arguments must be strings, numbers, booleans or null');
}

export const stringFunctions: Record<string, IntrinsicFunction> = {
  'States.Format': (args) => {
    const name = 'States.Format';
    if (args.length < 1) throw intrinsicFailure(name, 'expects a template');
    const template = expectString(name, args[0], 1);
    const values = args.slice(1);
    let used = 0;
    let out = '';
    for (let i = 0; i < template.length; i++) {
      const char = template[i];
      if (char === '\\' && (template[i + 1] === '{' || template[i + 1] === '}')) {
        out += template[++i];
      } else if (char === '{' && template[i + 1] === '}') {
        if (used >= values.length) throw intrinsicFailure(name, 'more placeholders than arguments');
        out += formatValue(name, values[used++]);
        i++;
      } else out += char;
    }
    if (used !== values.length) throw intrinsicFailure(name, 'more arguments than placeholders');
    return out;
  },

  // Every character of the second argument is a delimiter and empty pieces are dropped, as AWS does.
  'States.StringSplit': (args) => {
    const name = 'States.StringSplit';
    expectArgs(name, args, 2);
    const text = expectString(name, args[0], 1);
    const delimiters = new Set(expectString(name, args[1], 2));
    const pieces: string[] = [];
    let current = '';
    for (const char of text) {
      if (delimiters.has(char)) {
        if (current) pieces.push(current);
        current = '';
      } else current += char;
    }
    if (current) pieces.push(current);
    return pieces;
  },

  'States.UUID': (args, env) => {
    expectArgs('States.UUID', args, 0);
    return env.uuid();
  },
};
