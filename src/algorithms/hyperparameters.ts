/**
 * Hyperparameters arrive as SageMaker passes them: a map of strings (SM_HPS may also hold JSON
 * numbers and booleans). Each algorithm declares a spec; `parseHyperparameters` checks every value
 * before training starts and throws a validation error naming the hyperparameter, e.g.
 * `hyperparameters.max_depth: must be an integer between 1 and 20`.
 */
import { invalid } from '../core/errors.ts';
import { Type, validate } from '../core/schema.ts';

export type HyperparameterSpec =
  | { kind: 'int'; min: number; max: number; default?: number; aliases?: readonly string[] }
  | {
      kind: 'float';
      min: number;
      max: number;
      /** The minimum itself is not allowed (e.g. a learning rate must be > 0). */
      exclusiveMin?: boolean;
      default?: number;
      aliases?: readonly string[];
    }
  | { kind: 'enum'; values: readonly string[]; default?: string; aliases?: readonly string[] }
  | { kind: 'bool'; default?: boolean; aliases?: readonly string[] }
  | { kind: 'string'; default?: string; aliases?: readonly string[] };

type ValueOf<S extends HyperparameterSpec> = S extends { kind: 'int' | 'float' }
  ? number
  : S extends { kind: 'bool' }
    ? boolean
    : S extends { kind: 'enum'; values: readonly (infer V)[] }
      ? V
      : string;

export type ParsedHyperparameters<T extends Record<string, HyperparameterSpec>> = {
  [K in keyof T]: T[K] extends { default: unknown } ? ValueOf<T[K]> : ValueOf<T[K]> | undefined;
};

const RawHyperparameters = Type.Record(
  Type.String(),
  Type.Union([Type.String(), Type.Number(), Type.Boolean()]),
);

/** Hyperparameters every built-in algorithm accepts and that the training toolkit may add. */
function isIgnored(name: string): boolean {
  return name.startsWith('sagemaker_') || name === 'algorithm';
}

export function parseHyperparameters<T extends Record<string, HyperparameterSpec>>(
  specs: T,
  raw: unknown,
): ParsedHyperparameters<T> {
  const values = validate(RawHyperparameters, raw ?? {}, 'hyperparameters');
  const aliasOf = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) {
    for (const alias of spec.aliases ?? []) aliasOf.set(alias, name);
  }
  const given = new Map<string, { key: string; text: string }>();
  for (const [key, value] of Object.entries(values)) {
    if (isIgnored(key)) continue;
    const name = key in specs ? key : aliasOf.get(key);
    if (name === undefined) {
      throw invalid(
        `hyperparameters.${key}`,
        `is not a known hyperparameter (known: ${Object.keys(specs).join(', ')})`,
      );
    }
    const previous = given.get(name);
    if (previous) throw invalid(`hyperparameters.${key}`, `is given twice (also as ${previous.key})`);
    given.set(name, { key, text: String(value).trim() });
  }
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const entry = given.get(name);
    out[name] =
      entry === undefined ? spec.default : parseOne(`hyperparameters.${entry.key}`, spec, entry.text);
  }
  return out as ParsedHyperparameters<T>;
}

function parseOne(field: string, spec: HyperparameterSpec, text: string): unknown {
  switch (spec.kind) {
    case 'int': {
      const n = Number(text);
      if (text === '' || !Number.isInteger(n) || n < spec.min || n > spec.max) {
        throw invalid(field, `must be an integer between ${spec.min} and ${spec.max}`, { value: text });
      }
      return n;
    }
    case 'float': {
      const n = Number(text);
      const low = spec.exclusiveMin ? n <= spec.min : n < spec.min;
      if (text === '' || !Number.isFinite(n) || low || n > spec.max) {
        const lower = spec.exclusiveMin ? `greater than ${spec.min}` : `at least ${spec.min}`;
        throw invalid(field, `must be a number ${lower} and at most ${spec.max}`, { value: text });
      }
      return n;
    }
    case 'enum':
      if (!spec.values.includes(text))
        throw invalid(field, `must be one of ${spec.values.join(', ')}`, { value: text });
      return text;
    case 'bool': {
      const lower = text.toLowerCase();
      if (lower === 'true' || lower === '1') return true;
      if (lower === 'false' || lower === '0') return false;
      throw invalid(field, 'must be true or false', { value: text });
    }
    case 'string':
      if (text === '') throw invalid(field, 'must not be empty');
      return text;
  }
}

/** Options shared by every algorithm: which column is the label and whether files have a header. */
export const commonHyperparameters = {
  label: { kind: 'string' },
  header: { kind: 'enum', values: ['auto', 'true', 'false'], default: 'auto' },
  seed: { kind: 'int', min: 0, max: 2 ** 31 - 1, default: 0 },
} as const satisfies Record<string, HyperparameterSpec>;
