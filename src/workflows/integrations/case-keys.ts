/**
 * Key case conversion between Step Functions' SageMaker requests (PascalCase, as the AWS APIs
 * take them) and Slipway's camelCase resources. Maps whose keys are user data (hyperparameters,
 * environment variables, metric names, custom metadata) are copied as they are.
 */
import type { Json } from '../asl/index.ts';

/** Keys whose values are user-keyed maps, in either case. */
const opaque = new Set([
  'HyperParameters',
  'hyperParameters',
  'Environment',
  'environment',
  'Metrics',
  'metrics',
  'CustomerMetadataProperties',
  'customerMetadataProperties',
  'customMetadata',
]);

/** Acronyms the SageMaker API spells differently from a plain case flip. */
const toCamelExceptions: Record<string, string> = { VolumeSizeInGB: 'volumeSizeInGb' };
const toPascalExceptions: Record<string, string> = Object.fromEntries(
  Object.entries(toCamelExceptions).map(([pascal, camel]) => [camel, pascal]),
);

function convert(value: Json, key: (k: string) => string): Json {
  if (Array.isArray(value)) return value.map((item) => convert(item, key));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(value)) out[key(k)] = opaque.has(k) ? v : convert(v, key);
  return out;
}

export function toCamelKeys(value: Json): Json {
  return convert(value, (k) => toCamelExceptions[k] ?? k.charAt(0).toLowerCase() + k.slice(1));
}

export function toPascalKeys(value: Json): Json {
  return convert(value, (k) => toPascalExceptions[k] ?? k.charAt(0).toUpperCase() + k.slice(1));
}
