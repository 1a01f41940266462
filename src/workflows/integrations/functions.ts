/**
 * Functions for `lambda:invoke`: a TypeScript/JavaScript module exporting `handler(event)`, or a
 * command run as a child process with the event as JSON on stdin and its result as JSON on stdout.
 * Either runs in a process of its own, never the server's (see function-process.ts): a loop, a
 * crash or a blown heap in user code fails the state and nothing else. On a server they are
 * `function` resources (REST /api/v1/functions, registered by admins, since they run on the
 * host); `run-local` builds them from `--function NAME=path`.
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalid } from '../../core/errors.ts';
import { ResourceName, type Static, StrictObject, Type, validate } from '../../core/schema.ts';
import type { ResourceRecord, Store } from '../../store/store.ts';
import { type Json, TaskError } from '../asl/index.ts';
import { runFunctionProcess } from './function-process.ts';

export const functionKind = 'function';

/** Lambda's bounds; the default timeout is longer than Lambda's 3 s, since a data-preparation step is a typical function here. */
export const functionLimits = {
  defaultTimeoutSeconds: 300,
  maxTimeoutSeconds: 900,
  defaultMemorySizeMb: 512,
  /** Lambda's synchronous response limit. */
  maxResultBytes: 6 * 1024 * 1024,
};

export const FunctionSpecSchema = StrictObject({
  name: ResourceName,
  /** A .ts/.js/.mjs module exporting `handler(event)`; an absolute path, or relative to the server's cwd. */
  module: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  /** A command (program and arguments): the event on stdin, JSON on stdout. */
  command: Type.Optional(Type.Array(Type.String({ maxLength: 1024 }), { minItems: 1, maxItems: 100 })),
  description: Type.Optional(Type.String({ maxLength: 256 })),
  /** Variables the function sees, on top of PATH, HOME and LANG (it never sees the server's). */
  environment: Type.Optional(
    Type.Record(Type.String({ maxLength: 128 }), Type.String({ maxLength: 4096 }), { maxProperties: 100 }),
  ),
  /** Stopped after this long, failing the state with States.Timeout. */
  timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: functionLimits.maxTimeoutSeconds })),
  /** A module's heap limit (`--max-old-space-size`). */
  memorySizeMb: Type.Optional(Type.Integer({ minimum: 128, maximum: 10_240 })),
});
export type FunctionSpec = Static<typeof FunctionSpecSchema>;

const moduleExtensions = /\.(ts|mts|js|mjs|cjs)$/;

/** `NAME=path`: a module when the path looks like one, else a command to run. */
export function functionFromFlag(flag: string): FunctionSpec {
  const equals = flag.indexOf('=');
  if (equals <= 0) throw invalid('--function', `"${flag}" is not NAME=path`);
  const name = flag.slice(0, equals);
  const path = resolve(flag.slice(equals + 1));
  return moduleExtensions.test(path) ? { name, module: path } : { name, command: [path] };
}

export function checkFunctionSpec(body: unknown): FunctionSpec {
  const spec = validate(FunctionSpecSchema, body);
  if ((spec.module === undefined) === (spec.command === undefined))
    throw invalid('module', 'give exactly one of module or command');
  if (spec.module && !moduleExtensions.test(spec.module))
    throw invalid('module', 'must be a .ts, .mts, .js, .mjs or .cjs file');
  for (const name of Object.keys(spec.environment ?? {}))
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw invalid(
        `environment.${name}`,
        'is not a variable name (letters, digits and _, not starting with a digit)',
      );
  if (spec.command && spec.memorySizeMb !== undefined)
    throw invalid('memorySizeMb', 'applies to module functions only');
  return spec;
}

const childEntry = fileURLToPath(new URL('./function-child.ts', import.meta.url));
const tsxLoader = import.meta.resolve('tsx');

type ChildAnswer =
  | { result: Json }
  | { error: { errorType: string; errorMessage: string } }
  | { loadError: string };

async function invokeModule(spec: FunctionSpec, event: Json, signal: AbortSignal): Promise<Json> {
  const path = isAbsolute(spec.module!) ? spec.module! : resolve(spec.module!);
  const memory = spec.memorySizeMb ?? functionLimits.defaultMemorySizeMb;
  const exit = await runFunctionProcess({
    command: process.execPath,
    args: [`--max-old-space-size=${memory}`, '--import', tsxLoader, childEntry, path],
    ...processOptions(spec, event, signal),
    resultFd: 3,
  });
  let answer: ChildAnswer | undefined;
  try {
    answer = exit.result ? (JSON.parse(exit.result) as ChildAnswer) : undefined;
  } catch {}
  if (!answer) throw exitError(exit);
  if ('loadError' in answer) throw new TaskError('Lambda.ServiceException', answer.loadError);
  if ('error' in answer) throw new TaskError(answer.error.errorType, JSON.stringify(answer.error));
  return answer.result;
}

async function invokeCommand(spec: FunctionSpec, event: Json, signal: AbortSignal): Promise<Json> {
  const [command, ...args] = spec.command!;
  const exit = await runFunctionProcess({
    command: command!,
    args,
    ...processOptions(spec, event, signal),
    resultFd: 1,
  });
  if (exit.code !== 0) throw exitError(exit);
  const text = exit.result.trim();
  try {
    return text ? (JSON.parse(text) as Json) : null;
  } catch {
    throw new TaskError(
      'Lambda.Unknown',
      `the command printed something other than JSON: ${text.slice(0, 200)}`,
    );
  }
}

function processOptions(spec: FunctionSpec, event: Json, signal: AbortSignal) {
  return {
    env: spec.environment ?? {},
    input: JSON.stringify(event),
    timeoutMs: (spec.timeoutSeconds ?? functionLimits.defaultTimeoutSeconds) * 1000,
    maxResultBytes: functionLimits.maxResultBytes,
    label: `function "${spec.name}"`,
    signal,
  };
}

/** A process that ended without an answer: Lambda's `{ errorType, errorMessage }` as the cause. */
function exitError(exit: { code: number | null; signal: string | null; logTail: string }): TaskError {
  const how = exit.code === null ? `signal ${exit.signal}` : `exit code ${exit.code}`;
  return new TaskError(
    'Lambda.Unknown',
    JSON.stringify({ errorType: 'ExitCode', errorMessage: `${how}: ${exit.logTail}` }),
  );
}

export function invokeFunction(spec: FunctionSpec, event: Json, signal: AbortSignal): Promise<Json> {
  return spec.module ? invokeModule(spec, event, signal) : invokeCommand(spec, event, signal);
}

/** Where `lambda:invoke` finds functions by name. */
export interface FunctionDirectory {
  find(name: string): Promise<FunctionSpec | undefined>;
}

export function functionsInMemory(specs: FunctionSpec[]): FunctionDirectory {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  return { find: async (name) => byName.get(name) };
}

export class FunctionsService implements FunctionDirectory {
  constructor(private readonly store: Store) {}

  async create(body: unknown): Promise<ResourceRecord<FunctionSpec, object>> {
    const spec = checkFunctionSpec(body);
    return this.store.createResource({
      kind: functionKind,
      name: spec.name,
      arn: `arn:slipway:lambda:local:000000000000:function:${spec.name}`,
      spec,
      status: {},
      phase: 'Active',
    });
  }

  get(name: string) {
    return this.store.requireResource<FunctionSpec, object>({ kind: functionKind, name });
  }

  list(options: { limit?: number; nextToken?: string }) {
    return this.store.listResources<FunctionSpec, object>({ kind: functionKind, ...options });
  }

  delete(name: string) {
    return this.store.deleteResource({ kind: functionKind, name });
  }

  async find(name: string): Promise<FunctionSpec | undefined> {
    return (await this.store.getResource<FunctionSpec, object>({ kind: functionKind, name }))?.spec;
  }
}
