/**
 * Secrets in environments are write-only for viewers: in every API answer to a viewer, an
 * `environment` (or `Environment`) entry whose name looks like a secret has its value masked.
 * The people who run things (scientist and up) see what they wrote; a viewer sees that it is set.
 */
import type { FastifyInstance } from 'fastify';

export const maskedValue = '********';
const secretName = /secret|token|passw|pwd|key|credential|auth|private|signature|cookie|session|dsn/i;
const environmentKey = /^environment$/i;

/** A copy of `value` with secret-looking environment values masked; unchanged parts are shared. */
export function maskEnvironmentSecrets(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(maskEnvironmentSecrets);
    return items.some((item, index) => item !== value[index]) ? items : value;
  }
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const masked =
      environmentKey.test(key) && item !== null && typeof item === 'object' && !Array.isArray(item)
        ? maskEntries(item as Record<string, unknown>)
        : maskEnvironmentSecrets(item);
    if (masked !== item) {
      copy ??= { ...(value as Record<string, unknown>) };
      copy[key] = masked;
    }
  }
  return copy ?? value;
}

function maskEntries(environment: Record<string, unknown>): Record<string, unknown> {
  if (!Object.keys(environment).some((name) => secretName.test(name))) return environment;
  return Object.fromEntries(
    Object.entries(environment).map(([name, item]) => [name, secretName.test(name) ? maskedValue : item]),
  );
}

export function installSecretMasking(server: FastifyInstance): void {
  server.addHook('preSerialization', async (request, _reply, payload) =>
    request.principal?.role === 'viewer' ? maskEnvironmentSecrets(payload) : payload,
  );
}
