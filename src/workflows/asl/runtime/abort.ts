/** How a stop, an execution timeout or a sibling's failure travels: an AbortSignal with a reason. */

export type AbortReason =
  | { kind: 'stopped'; error?: string; cause?: string }
  | { kind: 'timed-out' }
  | { kind: 'sibling-failed' };

export class ExecutionAbortedError extends Error {
  constructor(readonly reason: AbortReason) {
    super(`execution ${reason.kind}`);
    this.name = 'ExecutionAbortedError';
  }
}

export function abortReason(signal: AbortSignal): AbortReason {
  const reason = signal.reason as unknown;
  if (reason && typeof reason === 'object' && 'kind' in reason) return reason as AbortReason;
  return { kind: 'stopped' };
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new ExecutionAbortedError(abortReason(signal));
}

/** A child controller aborted with its parent's reason, so branches stop when the execution stops. */
export function childController(parent: AbortSignal): { controller: AbortController; dispose(): void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent.reason);
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener('abort', onAbort, { once: true });
  return { controller, dispose: () => parent.removeEventListener('abort', onAbort) };
}
