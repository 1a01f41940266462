/** States.Hash(data, algorithm): hex digest with MD5, SHA-1, SHA-256, SHA-384 or SHA-512. */
import { createHash } from 'node:crypto';
import { expectArgs, expectString, type IntrinsicFunction, intrinsicFailure } from './intrinsic-error.ts';

const algorithms: Record<string, string> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

export const hashFunctions: Record<string, IntrinsicFunction> = {
  'States.Hash': (args) => {
    const name = 'States.Hash';
    expectArgs(name, args, 2);
    // AWS hashes strings; other JSON values are hashed in their JSON text form.
    const data = typeof args[0] === 'string' ? args[0] : JSON.stringify(args[0]);
    if (data.length > 10_000) throw intrinsicFailure(name, 'the input is longer than 10000 characters');
    const algorithm = algorithms[expectString(name, args[1], 2)];
    if (!algorithm)
      throw intrinsicFailure(name, `the algorithm must be one of ${Object.keys(algorithms).join(', ')}`);
    return createHash(algorithm).update(data, 'utf8').digest('hex');
  },
};
