/**
 * Wait: pauses until a relative (Seconds) or absolute (Timestamp) time. The deadline is computed
 * once, on entry, and checkpointed, so a restart resumes the same wait rather than a new one.
 */
import { StatesError, StatesErrorNames } from '../errors.ts';
import { evaluateJsonataTemplate } from '../jsonata/evaluate-jsonata.ts';
import { evaluateDynamicValue } from '../payload-template.ts';
import { throwIfAborted } from '../runtime/abort.ts';
import {
  applyOutputPath,
  effectiveInput,
  finishJsonata,
  jsonataScope,
  pathScope,
} from '../runtime/data-flow.ts';
import type { StateOutcome, StateScope } from '../runtime/runtime.ts';
import type { Json } from '../types.ts';
import { parseTimestamp } from './timestamp.ts';

async function deadline(scope: StateScope, input: Json): Promise<number> {
  const { def } = scope;
  const read = async (value: Json | undefined, path: string | undefined, field: string) => {
    if (typeof value === 'string' && scope.language === 'JSONata')
      return evaluateJsonataTemplate(value, jsonataScope(scope));
    if (path !== undefined)
      return evaluateDynamicValue(path, pathScope(scope, input), scope.rt.env, `${scope.name}.${field}`);
    return value;
  };
  const enteredAt = scope.state.enteredAt;
  if (def.Seconds !== undefined || def.SecondsPath !== undefined) {
    const seconds = await read(def.Seconds, def.SecondsPath, 'SecondsPath');
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0)
      throw new StatesError(
        StatesErrorNames.Runtime,
        `${scope.name}: the wait seconds must be a non-negative integer, got ${JSON.stringify(seconds)}`,
      );
    return enteredAt + seconds * 1000;
  }
  const timestamp = await read(def.Timestamp, def.TimestampPath, 'TimestampPath');
  const at = typeof timestamp === 'string' ? parseTimestamp(timestamp) : null;
  if (at === null)
    throw new StatesError(
      StatesErrorNames.Runtime,
      `${scope.name}: the wait timestamp must be an RFC 3339 timestamp, got ${JSON.stringify(timestamp)}`,
    );
  return at;
}

export async function runWait(scope: StateScope): Promise<StateOutcome> {
  const { state, rt } = scope;
  const input = scope.language === 'JSONata' ? scope.input : effectiveInput(scope);
  if (state.waitUntil === undefined) {
    state.waitUntil = await deadline(scope, input);
    await rt.recorder.checkpoint();
  }
  const remaining = state.waitUntil - rt.collaborators.now();
  if (remaining > 0) {
    try {
      await rt.collaborators.sleep(remaining, scope.signal);
    } catch (error) {
      throwIfAborted(scope.signal);
      throw error;
    }
  }
  const next = scope.def.Next ?? null;
  if (scope.language === 'JSONata') return finishJsonata(scope, {}, scope.input, next);
  return { output: applyOutputPath(scope, input), next };
}
