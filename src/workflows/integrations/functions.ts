/**
 * Functions for `lambda:invoke`: a TypeScript/JavaScript module exporting `handler(event)`, or a
 * command run as a child process with the event as JSON on stdin and its result as JSON on stdout.
 * On a server they are `function` resources (REST /api/v1/functions); `run-local` builds them from
 * `--function NAME=path`.
 */
import { spawn } from 'node:child_process';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { invalid } from '../../core/errors.ts';
import { ResourceName, type Static, StrictObject, Type, validate } from '../../core/schema.ts';
import type { ResourceRecord, Store } from '../../store/store.ts';
import { type Json, TaskError } from '../asl/index.ts';

export const functionKind = 'function';

export const FunctionSpecSchema = StrictObject({
  name: ResourceName,
  /** A .ts/.js/.mjs module exporting `handler(event)`; an absolute path, or relative to the server's cwd. */
  module: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  /** A command (program and arguments): the event on stdin, JSON on stdout. */
  command: Type.Optional(Type.Array(Type.String({ maxLength: 1024 }), { minItems: 1, maxItems: 100 })),
  description: Type.Optional(Type.String({ maxLength: 256 })),
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
  return spec;
}

const loaded = new Map<string, Promise<{ handler?: unknown; default?: { handler?: unknown } }>>();

async function invokeModule(path: string, event: Json, signal: AbortSignal): Promise<Json> {
  const absolute = isAbsolute(path) ? path : resolve(path);
  let module = loaded.get(absolute);
  if (!module) {
    // tsx's tsImport compiles a .ts module as ESM wherever it lies (a plain import would treat a
    // .ts file outside an ESM package as CommonJS).
    module = /\.(ts|mts)$/.test(absolute)
      ? tsImport(pathToFileURL(absolute).href, import.meta.url)
      : import(pathToFileURL(absolute).href);
    loaded.set(absolute, module);
    module.catch(() => loaded.delete(absolute));
  }
  const exports = await module.catch((error: Error) => {
    throw new TaskError('Lambda.ServiceException', `cannot load ${absolute}: ${error.message}`);
  });
  const handler = exports.handler ?? exports.default?.handler;
  if (typeof handler !== 'function')
    throw new TaskError('Lambda.ServiceException', `${absolute} does not export a handler(event) function`);
  try {
    const result = await handler(event, { signal });
    return result === undefined ? null : (JSON.parse(JSON.stringify(result)) as Json);
  } catch (error) {
    throw functionError(error);
  }
}

/** Lambda reports an unhandled error by its type, with `{ errorType, errorMessage }` as cause. */
function functionError(error: unknown): TaskError {
  if (error instanceof TaskError) return error;
  const errorType = (error as Error)?.name ?? 'Error';
  const errorMessage = (error as Error)?.message ?? String(error);
  return new TaskError(errorType, JSON.stringify({ errorType, errorMessage }));
}

function invokeCommand(command: string[], event: Json, signal: AbortSignal): Promise<Json> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command[0]!, command.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const onAbort = () => child.kill('SIGKILL');
    signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4096)));
    child.on('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      reject(new TaskError('Lambda.ServiceException', `cannot run ${command[0]}: ${error.message}`));
    });
    child.on('close', (code) => {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) return reject(signal.reason);
      if (code !== 0)
        return reject(
          new TaskError(
            'Lambda.Unknown',
            JSON.stringify({ errorType: 'ExitCode', errorMessage: `exit code ${code}: ${stderr.trim()}` }),
          ),
        );
      const text = stdout.trim();
      try {
        resolvePromise(text ? (JSON.parse(text) as Json) : null);
      } catch {
        reject(
          new TaskError(
            'Lambda.Unknown',
            `the command printed something other than JSON: ${text.slice(0, 200)}`,
          ),
        );
      }
    });
    child.stdin.on('error', () => {}); // A command that ignores its input may close stdin early.
    child.stdin.end(JSON.stringify(event));
  });
}

export function invokeFunction(spec: FunctionSpec, event: Json, signal: AbortSignal): Promise<Json> {
  return spec.module ? invokeModule(spec.module, event, signal) : invokeCommand(spec.command!, event, signal);
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
