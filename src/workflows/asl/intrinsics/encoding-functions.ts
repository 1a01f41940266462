/** States.Base64Encode / States.Base64Decode (UTF-8 text; AWS limits the input to 10,000 characters). */
import { expectArgs, expectString, type IntrinsicFunction, intrinsicFailure } from './intrinsic-error.ts';

const maxLength = 10_000;

export const encodingFunctions: Record<string, IntrinsicFunction> = {
  'States.Base64Encode': (args) => {
    const name = 'States.Base64Encode';
    expectArgs(name, args, 1);
    const text = expectString(name, args[0], 1);
    if (text.length > maxLength)
      throw intrinsicFailure(name, `the input is longer than ${maxLength} characters`);
    return Buffer.from(text, 'utf8').toString('base64');
  },

  'States.Base64Decode': (args) => {
    const name = 'States.Base64Decode';
    expectArgs(name, args, 1);
    const text = expectString(name, args[0], 1);
    if (text.length > maxLength)
      throw intrinsicFailure(name, `the input is longer than ${maxLength} characters`);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0)
      throw intrinsicFailure(name, 'the input is not valid base64');
    return Buffer.from(text, 'base64').toString('utf8');
  },
};
