/**
 * Runs a state's attempt under its Retry and Catch policies. Retry counters and the time a retry
 * is due are written to the state's snapshot and checkpointed before the interval is waited, so
 * a restarted engine neither forgets attempts nor restarts the interval from zero.
 */
import { errorMatches, type StatesError, toStatesError } from '../errors.ts';
import type { Catcher, Json } from '../types.ts';
import { ExecutionAbortedError, throwIfAborted } from './abort.ts';
import { applyResultPath, assignJsonPath, finishJsonata } from './data-flow.ts';
import { retryDefaults, retryDelayMs } from './retry-policy.ts';
import type { StateOutcome, StateScope } from './runtime.ts';

export async function withRetryAndCatch(
  scope: StateScope,
  attempt: () => Promise<StateOutcome>,
  onRetry?: () => void,
): Promise<StateOutcome> {
  const { state, def, rt } = scope;
  for (;;) {
    if (state.retryAt !== undefined) {
      const remaining = state.retryAt - rt.collaborators.now();
      if (remaining > 0) await sleepOrAbort(scope, remaining);
      state.retryAt = undefined;
    }
    try {
      return await attempt();
    } catch (thrown) {
      if (thrown instanceof ExecutionAbortedError || scope.signal.aborted) {
        throwIfAborted(scope.signal);
        throw thrown;
      }
      const error = toStatesError(thrown);
      const retriers = def.Retry ?? [];
      const index = retriers.findIndex((r) => errorMatches(r.ErrorEquals, error.error));
      if (index >= 0) {
        const retrier = retriers[index];
        const done = state.retryCounts[index] ?? 0;
        if (done < (retrier.MaxAttempts ?? retryDefaults.MaxAttempts)) {
          const delay = retryDelayMs(retrier, done, rt.collaborators.random);
          state.retryCounts[index] = done + 1;
          state.retryAt = rt.collaborators.now() + delay;
          onRetry?.();
          await rt.recorder.checkpoint();
          continue;
        }
      }
      const caught = await applyCatch(scope, error);
      if (caught) return caught;
      throw error;
    }
  }
}

async function sleepOrAbort(scope: StateScope, ms: number) {
  try {
    await scope.rt.collaborators.sleep(ms, scope.signal);
  } catch (error) {
    throwIfAborted(scope.signal);
    throw error;
  }
}

async function applyCatch(scope: StateScope, error: StatesError): Promise<StateOutcome | null> {
  const catcher = (scope.def.Catch ?? []).find((c) => errorMatches(c.ErrorEquals, error.error));
  if (!catcher) return null;
  const errorOutput: Json = { Error: error.error, Cause: error.cause };
  if (scope.language === 'JSONata')
    return finishJsonata(scope, { errorOutput }, errorOutput, catcher.Next, catcher);
  return catchJsonPath(scope, catcher, errorOutput);
}

function catchJsonPath(scope: StateScope, catcher: Catcher, errorOutput: Json): StateOutcome {
  const assigned = assignJsonPath(scope, catcher.Assign, errorOutput);
  const output = applyResultPath(scope, errorOutput, catcher.ResultPath);
  return { output, next: catcher.Next, assigned };
}
