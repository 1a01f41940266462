/**
 * The JSONata query language of Step Functions: a string `{% expr %}` anywhere in Arguments,
 * Output, Assign (and a few scalar fields) is an expression evaluated with `$states` (input,
 * result, errorOutput, context) and the workflow variables bound. Step Functions' extra functions
 * ($partition, $range, $hash, $random, $uuid, $parse) are provided, and $now/$millis read the
 * injected clock so executions stay deterministic under a virtual clock.
 *
 * Expressions are user code running inside the server, so each evaluation has a budget: it fails
 * the state with States.QueryEvaluationError after `jsonataBudget.timeoutMs` or past
 * `jsonataBudget.depth` nested evaluations, it hands the event loop back every
 * `jsonataBudget.sliceMs` (jsonata evaluates in microtasks, which would otherwise starve every
 * request until it ends), and its regex literals run on the linear-time engine.
 */
import jsonata from 'jsonata';
import { LinearRegExp } from '../../../core/linear-regex.ts';
import { StatesError, StatesErrorNames } from '../errors.ts';
import { intrinsicFunctions } from '../intrinsics/evaluate-intrinsic.ts';
import type { IntrinsicEnvironment } from '../intrinsics/intrinsic-error.ts';
import type { Json } from '../types.ts';

export interface JsonataScope {
  states: { input: Json; context: Json; result?: Json; errorOutput?: Json };
  variables: Record<string, Json>;
  env: IntrinsicEnvironment & { now(): number };
}

const expressionPattern = /^\{%([\s\S]*)%\}$/;

export function isJsonataExpression(value: unknown): value is string {
  return typeof value === 'string' && expressionPattern.test(value);
}

export const jsonataBudget = { timeoutMs: 5000, depth: 2000, sliceMs: 10 };

const compiled = new Map<string, jsonata.Expression>();

let sliceStarted = Date.now();
let stepsSinceClockRead = 0;
/** Called by jsonata before every step of every evaluation; yields once a slice is used up. */
function yieldWhenSliceIsUsed(): Promise<void> | undefined {
  // Reading the clock on every step would cost more than the steps themselves.
  if (++stepsSinceClockRead < 128) return undefined;
  stepsSinceClockRead = 0;
  if (Date.now() - sliceStarted < jsonataBudget.sliceMs) return undefined;
  return new Promise((resolve) =>
    setImmediate(() => {
      sliceStarted = Date.now();
      resolve();
    }),
  );
}

/** Compiles (and caches) the expression inside `{% %}`; throws jsonata's error on bad syntax. */
export function compileJsonata(source: string): jsonata.Expression {
  let expression = compiled.get(source);
  if (!expression) {
    const match = expressionPattern.exec(source);
    expression = jsonata(match ? match[1] : source, {
      timeout: jsonataBudget.timeoutMs,
      stack: jsonataBudget.depth,
      RegexEngine: LinearRegExp as unknown as RegExpConstructor,
    });
    expression.assign(Symbol.for('jsonata.__evaluate_entry') as unknown as string, yieldWhenSliceIsUsed);
    checkRegexLiterals(expression.ast(), new Set());
    if (compiled.size > 5000) compiled.clear();
    compiled.set(source, expression);
  }
  return expression;
}

/** Compiles each regex literal on the linear-time engine, so one it cannot run is refused up front. */
function checkRegexLiterals(node: unknown, seen: Set<object>): void {
  if (node === null || typeof node !== 'object' || seen.has(node)) return;
  seen.add(node);
  if (node instanceof RegExp) {
    new LinearRegExp(node);
    return;
  }
  for (const child of Object.values(node)) checkRegexLiterals(child, seen);
}

function queryError(source: string, reason: string): StatesError {
  return new StatesError(StatesErrorNames.QueryEvaluationError, `${source}: ${reason}`);
}

/** jsonata returns arrays tagged as sequences and may return functions; keep only plain JSON. */
function toJson(source: string, value: unknown): Json | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'function') throw queryError(source, 'the expression returned a function');
  if (typeof value === 'number' && !Number.isFinite(value))
    throw queryError(source, 'the expression returned a non-finite number');
  if (value === null || typeof value !== 'object') return value as Json;
  if (Array.isArray(value)) return value.map((item) => toJson(source, item) ?? null);
  const out: Record<string, Json> = {};
  for (const [key, item] of Object.entries(value)) {
    const converted = toJson(source, item);
    if (converted !== undefined) out[key] = converted;
  }
  return out;
}

function bindingsOf(scope: JsonataScope): Record<string, unknown> {
  const intrinsic =
    (name: string) =>
    (...args: unknown[]) =>
      intrinsicFunctions[name](args, scope.env);
  return {
    ...scope.variables,
    states: scope.states,
    partition: intrinsic('States.ArrayPartition'),
    range: intrinsic('States.ArrayRange'),
    hash: intrinsic('States.Hash'),
    uuid: () => scope.env.uuid(),
    random: (seed?: number) =>
      seed === undefined
        ? scope.env.random()
        : (intrinsicFunctions['States.MathRandom']([0, 2 ** 31 - 1, seed], scope.env) as number) / 2 ** 31,
    parse: (text: string) => intrinsicFunctions['States.StringToJson']([text], scope.env),
    now: () => new Date(scope.env.now()).toISOString(),
    millis: () => scope.env.now(),
  };
}

/** Evaluates one `{% %}` expression; undefined results are an error, as in Step Functions. */
export async function evaluateJsonata(source: string, scope: JsonataScope): Promise<Json> {
  const value = await evaluateRaw(source, scope);
  if (value === undefined) throw queryError(source, 'the expression returned no value');
  return value;
}

async function evaluateRaw(source: string, scope: JsonataScope): Promise<Json | undefined> {
  let expression: jsonata.Expression;
  try {
    expression = compileJsonata(source);
  } catch (error) {
    throw queryError(source, (error as Error).message);
  }
  let value: unknown;
  try {
    value = await expression.evaluate(scope.states.input, bindingsOf(scope));
  } catch (error) {
    if (error instanceof StatesError) throw error;
    throw queryError(source, (error as Error).message);
  }
  return toJson(source, value);
}

/**
 * Evaluates a template: expression strings anywhere inside objects and arrays are replaced by
 * their values; object fields whose expression yields nothing are left out.
 */
export async function evaluateJsonataTemplate(template: Json, scope: JsonataScope): Promise<Json> {
  if (isJsonataExpression(template)) return evaluateJsonata(template, scope);
  const value = await evaluateTemplateValue(template, scope);
  return value === undefined ? null : value;
}

async function evaluateTemplateValue(template: Json, scope: JsonataScope): Promise<Json | undefined> {
  if (isJsonataExpression(template)) return evaluateRaw(template, scope);
  if (Array.isArray(template)) {
    const out: Json[] = [];
    for (const item of template) out.push((await evaluateTemplateValue(item, scope)) ?? null);
    return out;
  }
  if (template !== null && typeof template === 'object') {
    const out: Record<string, Json> = {};
    for (const [key, item] of Object.entries(template)) {
      const value = await evaluateTemplateValue(item, scope);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
  return template;
}
