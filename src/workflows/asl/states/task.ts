/**
 * Task: hands its parameters to the injected task executor, under TimeoutSeconds and
 * HeartbeatSeconds, with Retry and Catch. Failures a task reports keep their name; anything else
 * a task throws is States.TaskFailed. Every attempt is in the history, one cut short by a restart
 * included.
 */
import { StatesError, StatesErrorNames, TaskError } from '../errors.ts';
import { evaluateJsonataTemplate } from '../jsonata/evaluate-jsonata.ts';
import { childController, ExecutionAbortedError, throwIfAborted } from '../runtime/abort.ts';
import {
  applyTemplate,
  effectiveInput,
  finishJsonata,
  finishJsonPath,
  jsonataScope,
  numericField,
} from '../runtime/data-flow.ts';
import { withRetryAndCatch } from '../runtime/retry-catch.ts';
import { contextObject, emit, retryCount, type StateOutcome, type StateScope } from '../runtime/runtime.ts';
import type { Json } from '../types.ts';

export async function runTask(scope: StateScope): Promise<StateOutcome> {
  return withRetryAndCatch(scope, () => attemptTask(scope));
}

async function attemptTask(scope: StateScope): Promise<StateOutcome> {
  const { def, rt } = scope;
  const resource = def.Resource as string;
  const taskToken = resource.endsWith('.waitForTaskToken') ? rt.collaborators.uuid() : undefined;
  const context = contextObject(scope, taskToken ? { Task: { Token: taskToken } } : {});
  const jsonata = scope.language === 'JSONata';
  const input = jsonata ? scope.input : effectiveInput(scope);
  const parameters = jsonata
    ? def.Arguments === undefined
      ? input
      : await evaluateJsonataTemplate(def.Arguments, jsonataScope(scope, { context }))
    : applyTemplate(scope, def.Parameters, input, 'Parameters', context);
  const timeoutSeconds = await numericField(
    scope,
    def.TimeoutSeconds,
    def.TimeoutSecondsPath,
    'TimeoutSeconds',
    input,
  );
  const heartbeatSeconds = await numericField(
    scope,
    def.HeartbeatSeconds,
    def.HeartbeatSecondsPath,
    'HeartbeatSeconds',
    input,
  );

  const scheduled: Record<string, Json> = { resource, parameters, retryCount: retryCount(scope.state) };
  if (timeoutSeconds !== undefined) scheduled.timeoutInSeconds = timeoutSeconds;
  if (heartbeatSeconds !== undefined) scheduled.heartbeatInSeconds = heartbeatSeconds;
  emit(scope, 'TaskScheduled', scheduled);
  emit(scope, 'TaskStarted', { resource });
  // Persisted before the task runs, so an attempt cut short by a crash stays in the history next
  // to the attempt the resumed engine makes (a task in flight is invoked again: at-least-once).
  await scope.rt.recorder.checkpoint();

  let result: Json;
  try {
    result = await invokeWithTimeouts(scope, {
      resource,
      parameters,
      timeoutSeconds,
      heartbeatSeconds,
      taskToken,
    });
  } catch (thrown) {
    if (thrown instanceof ExecutionAbortedError) throw thrown;
    const error =
      thrown instanceof StatesError
        ? thrown
        : new StatesError(StatesErrorNames.TaskFailed, (thrown as Error)?.message ?? String(thrown));
    const timedOut =
      error.error === StatesErrorNames.Timeout || error.error === StatesErrorNames.HeartbeatTimeout;
    emit(scope, timedOut ? 'TaskTimedOut' : 'TaskFailed', {
      resource,
      error: error.error,
      cause: error.cause,
    });
    throw error;
  }
  emit(scope, 'TaskSucceeded', { resource, output: result });
  const next = def.Next ?? null;
  if (jsonata) return finishJsonata(scope, { result }, result, next);
  return finishJsonPath(scope, result, next);
}

interface Invocation {
  resource: string;
  parameters: Json;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  taskToken?: string;
}

/** Races the task against its timeout and heartbeat timers, all on the injected sleep. */
async function invokeWithTimeouts(scope: StateScope, call: Invocation): Promise<Json> {
  const { collaborators, snapshot } = scope.rt;
  const task = childController(scope.signal);
  const timers = new AbortController();
  const racers: Promise<Json>[] = [];
  const timer = (seconds: number, signal: AbortSignal, error: StatesError) =>
    new Promise<never>((_, reject) => {
      collaborators.sleep(seconds * 1000, signal).then(
        () => reject(error),
        () => {},
      );
    });
  if (call.timeoutSeconds !== undefined)
    racers.push(
      timer(
        call.timeoutSeconds,
        timers.signal,
        new StatesError(StatesErrorNames.Timeout, 'The task timed out.'),
      ),
    );
  let heartbeat = () => {};
  let beat: AbortController | null = null;
  if (call.heartbeatSeconds !== undefined) {
    const seconds = call.heartbeatSeconds;
    let expire: (error: StatesError) => void = () => {};
    racers.push(new Promise<never>((_, reject) => (expire = reject)));
    // Each heartbeat cancels the pending heartbeat timer and starts a new one.
    heartbeat = () => {
      beat?.abort();
      if (timers.signal.aborted) return;
      beat = new AbortController();
      timer(
        seconds,
        beat.signal,
        new StatesError(StatesErrorNames.HeartbeatTimeout, 'The task missed its heartbeat.'),
      ).catch(expire);
    };
    heartbeat();
  }
  const invocation = collaborators.invokeTask({
    resource: call.resource,
    parameters: call.parameters,
    timeoutSeconds: call.timeoutSeconds,
    heartbeatSeconds: call.heartbeatSeconds,
    taskToken: call.taskToken,
    signal: task.controller.signal,
    heartbeat: () => heartbeat(),
    execution: {
      id: snapshot.execution.id,
      name: snapshot.execution.name,
      stateName: scope.name,
      retryCount: retryCount(scope.state),
    },
  });
  racers.push(invocation);
  try {
    const result = await Promise.race(racers);
    return result === undefined ? null : result;
  } catch (error) {
    throwIfAborted(scope.signal);
    if (error instanceof TaskError || error instanceof StatesError) throw error;
    throw new StatesError(
      StatesErrorNames.TaskFailed,
      error instanceof Error ? error.message : String(error),
    );
  } finally {
    timers.abort();
    (beat as AbortController | null)?.abort();
    // Stops a task that lost the race to a timer; a finished task ignores it.
    task.controller.abort(new StatesError(StatesErrorNames.Timeout, 'The task timed out.'));
    task.dispose();
  }
}
