/**
 * Placeholders for values known only at run time, as in the Step Functions Data Science SDK:
 * `input['JobName']` of an `ExecutionInput` renders as `"JobName.$": "$$.Execution.Input['JobName']"`
 * in a step's Parameters; a `StepInput` reads the state's own input (`$['x']`).
 */
export class Placeholder {
  constructor(
    readonly path: string,
    readonly type?: PlaceholderType,
  ) {}

  /** A nested field: `input['Data']['Train']`. */
  get(key: string | number): Placeholder {
    return new Placeholder(`${this.path}[${typeof key === 'number' ? key : `'${key}'`}]`);
  }

  toString(): string {
    return this.path;
  }
}

export type PlaceholderType = 'string' | 'number' | 'boolean' | 'object' | 'array';

function placeholderProxy(
  root: string,
  schema?: Record<string, PlaceholderType>,
): Record<string, Placeholder> {
  return new Proxy({} as Record<string, Placeholder>, {
    get(_target, key) {
      if (typeof key !== 'string') return undefined;
      if (schema && !(key in schema))
        throw new Error(
          `"${key}" is not in the execution input schema (known: ${Object.keys(schema).join(', ')})`,
        );
      return new Placeholder(`${root}['${key}']`, schema?.[key]);
    },
  });
}

/** The execution's input: `$$.Execution.Input[...]`. With a schema, unknown keys are refused. */
export class ExecutionInput {
  readonly schema?: Record<string, PlaceholderType>;
  [key: string]: unknown;

  constructor(options: { schema?: Record<string, PlaceholderType> } = {}) {
    this.schema = options.schema;
    const fields = placeholderProxy('$$.Execution.Input', options.schema);
    // biome-ignore lint/correctness/noConstructorReturn: index access must yield placeholders
    return new Proxy(this, {
      get: (target, key, receiver) =>
        typeof key === 'string' && !(key in target) ? fields[key] : Reflect.get(target, key, receiver),
    });
  }

  /** Checks concrete inputs against the schema before an execution starts. */
  validate(inputs: Record<string, unknown>): void {
    if (!this.schema) return;
    for (const [key, type] of Object.entries(this.schema)) {
      const value = inputs[key];
      if (value === undefined) throw new Error(`inputs.${key}: is required by the execution input schema`);
      const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
      if (actual !== type) throw new Error(`inputs.${key}: must be a ${type}, got ${actual}`);
    }
  }
}

/**
 * The execution's own name (`$$.Execution.Name`): unique per execution, so jobs, models and
 * configs named after it never collide when a pipeline runs again.
 */
export const ExecutionName = new Placeholder('$$.Execution.Name', 'string');

/** The state's input: `$['key']`. */
export class StepInput {
  [key: string]: unknown;
  constructor() {
    const fields = placeholderProxy('$');
    // biome-ignore lint/correctness/noConstructorReturn: index access must yield placeholders
    return new Proxy(this, {
      get: (target, key, receiver) =>
        typeof key === 'string' && !(key in target) ? fields[key] : Reflect.get(target, key, receiver),
    });
  }
}

/** Renders a Parameters-like template: placeholders become `key.$` paths, recursively. */
export function renderTemplate(value: unknown): unknown {
  if (value instanceof Placeholder) return value.path;
  if (Array.isArray(value)) {
    if (value.some((item) => item instanceof Placeholder))
      throw new Error('a placeholder cannot be an array element; use it as an object field');
    return value.map(renderTemplate);
  }
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field === undefined) continue;
    if (field instanceof Placeholder) out[`${key}.$`] = field.path;
    else out[key] = renderTemplate(field);
  }
  return out;
}
