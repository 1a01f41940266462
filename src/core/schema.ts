/**
 * Schema helpers: TypeBox everywhere, so one definition gives the TypeScript type, the runtime
 * validator (used by services, config and CLI files) and the OpenAPI schema (used by routes).
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { invalid } from './errors.ts';

export { type Static, type TSchema, Type };

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

function checkerFor<T extends TSchema>(schema: T): TypeCheck<T> {
  let checker = compiled.get(schema);
  if (!checker) {
    checker = TypeCompiler.Compile(schema);
    compiled.set(schema, checker);
  }
  return checker as TypeCheck<T>;
}

/** JSON-pointer path of TypeBox (`/a/0/b`) to the dotted form users read (`a[0].b`). */
export function fieldPath(prefix: string, pointer: string): string {
  const parts = pointer.split('/').filter(Boolean);
  let path = prefix;
  for (const part of parts) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    path += /^\d+$/.test(key) ? `[${key}]` : path ? `.${key}` : key;
  }
  return path || prefix || '(root)';
}

/** Validates `value` against `schema`; throws a validation error naming the first bad field. */
export function validate<T extends TSchema>(schema: T, value: unknown, prefix = ''): Static<T> {
  const checker = checkerFor(schema);
  if (checker.Check(value)) return value as Static<T>;
  const first = checker.Errors(value).First();
  if (!first) throw invalid(prefix || '(root)', 'is invalid');
  const reason = first.message === 'Unexpected property' ? 'is not a known field' : first.message;
  throw invalid(fieldPath(prefix, first.path), reason);
}

/** SageMaker's resource-name rule: 1–63 characters, alphanumerics and single/multiple hyphens inside. */
export const resourceNamePattern = '^[a-zA-Z0-9](-*[a-zA-Z0-9])*$';
export const ResourceName = Type.String({ minLength: 1, maxLength: 63, pattern: resourceNamePattern });

export const Tags = Type.Array(
  Type.Object({ key: Type.String({ minLength: 1, maxLength: 128 }), value: Type.String({ maxLength: 256 }) }),
  { maxItems: 50 },
);

/** An object schema that refuses unknown fields, so a typo is an error rather than silently ignored. */
export function StrictObject<T extends Parameters<typeof Type.Object>[0]>(properties: T, options = {}) {
  return Type.Object(properties, { additionalProperties: false, ...options });
}
