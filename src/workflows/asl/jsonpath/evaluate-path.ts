/**
 * Evaluates parsed JSONPath against the three roots ASL offers: the state input (`$`), the context
 * object (`$$`) and variables (`$name`). A definite path yields one value and fails when it is
 * missing; an indefinite one yields an array of matches (possibly empty), as Step Functions does.
 */
import type { Json } from '../types.ts';
import { type ParsedPath, type PathSegment, parsePath } from './parse-path.ts';

export interface PathScope {
  input: Json;
  context: Json;
  variables: Record<string, Json>;
}

export class PathNotFoundError extends Error {}

const isObject = (value: unknown): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function rootValue(path: ParsedPath, scope: PathScope): Json {
  switch (path.root.kind) {
    case 'input':
      return scope.input;
    case 'context':
      return scope.context;
    case 'variable': {
      const { name } = path.root;
      if (!Object.hasOwn(scope.variables, name))
        throw new PathNotFoundError(`variable $${name} is not defined`);
      return scope.variables[name];
    }
  }
}

/** Reads a path; throws PathNotFoundError when a definite path selects nothing. */
export function readPath(source: string, scope: PathScope): Json {
  const path = parsePath(source);
  const root = rootValue(path, scope);
  if (path.definite) {
    let current: Json = root;
    for (const segment of path.segments) {
      const next = step(current, segment);
      if (next === undefined) throw new PathNotFoundError(`path ${source} does not exist in the input`);
      current = next;
    }
    return current;
  }
  let values: Json[] = [root];
  for (const segment of path.segments) values = values.flatMap((value) => select(value, segment));
  return values;
}

/** Whether a definite path exists (Choice's IsPresent); indefinite paths exist when they match. */
export function pathExists(source: string, scope: PathScope): boolean {
  try {
    const value = readPath(source, scope);
    return parsePath(source).definite || (Array.isArray(value) && value.length > 0);
  } catch (error) {
    if (error instanceof PathNotFoundError) return false;
    throw error;
  }
}

function step(value: Json, segment: PathSegment): Json | undefined {
  if (segment.kind === 'name')
    return isObject(value) && Object.hasOwn(value, segment.name) ? value[segment.name] : undefined;
  if (segment.kind === 'index' && Array.isArray(value)) {
    const index = segment.index < 0 ? value.length + segment.index : segment.index;
    return index >= 0 && index < value.length ? value[index] : undefined;
  }
  return undefined;
}

function children(value: Json): Json[] {
  if (Array.isArray(value)) return value;
  if (isObject(value)) return Object.values(value);
  return [];
}

function select(value: Json, segment: PathSegment): Json[] {
  switch (segment.kind) {
    case 'name':
    case 'index': {
      const next = step(value, segment);
      return next === undefined ? [] : [next];
    }
    case 'wildcard':
      return children(value);
    case 'union':
      return segment.keys.flatMap((key) =>
        select(value, typeof key === 'number' ? { kind: 'index', index: key } : { kind: 'name', name: key }),
      );
    case 'slice': {
      if (!Array.isArray(value)) return [];
      const length = value.length;
      const norm = (n: number | undefined, fallback: number) =>
        n === undefined ? fallback : n < 0 ? Math.max(0, length + n) : Math.min(n, length);
      const stepBy = segment.step ?? 1;
      if (stepBy <= 0) return [];
      const out: Json[] = [];
      for (let i = norm(segment.start, 0); i < norm(segment.end, length); i += stepBy) out.push(value[i]);
      return out;
    }
    case 'descendant': {
      const out: Json[] = [];
      const visit = (node: Json) => {
        for (const child of children(node)) {
          out.push(child);
          visit(child);
        }
      };
      if (segment.name === null) {
        visit(value);
        return out;
      }
      const name = segment.name;
      const walk = (node: Json) => {
        if (isObject(node) && Object.hasOwn(node, name)) out.push(node[name]);
        for (const child of children(node)) walk(child);
      };
      walk(value);
      return out;
    }
    case 'filter':
      return children(value).filter((child) => filterMatches(child, segment));
  }
}

function filterMatches(item: Json, segment: Extract<PathSegment, { kind: 'filter' }>): boolean {
  let current: Json | undefined = item;
  for (const name of segment.path)
    current = current === undefined ? undefined : step(current, { kind: 'name', name });
  if (!segment.operator) return current !== undefined;
  if (current === undefined) return false;
  const right = segment.value as Json;
  switch (segment.operator) {
    case '==':
      return current === right;
    case '!=':
      return current !== right;
    case '<':
      return comparable(current, right) && (current as number) < (right as number);
    case '<=':
      return comparable(current, right) && (current as number) <= (right as number);
    case '>':
      return comparable(current, right) && (current as number) > (right as number);
    case '>=':
      return comparable(current, right) && (current as number) >= (right as number);
  }
}

function comparable(a: Json, b: Json): boolean {
  return (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
}
