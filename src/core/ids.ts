/** Resource identifiers: names follow SageMaker's rule; ids are ARN-like so AWS adapters can hand them out. */
import { randomBytes, randomUUID } from 'node:crypto';

export const region = 'local';
export const account = '000000000000';

export function arnOf(service: string, kind: string, name: string): string {
  return `arn:slipway:${service}:${region}:${account}:${kind}/${name}`;
}

export function newId(prefix = ''): string {
  return prefix + randomUUID();
}

/** A URL-safe random secret of `bytes` bytes. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
