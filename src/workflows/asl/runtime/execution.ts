/**
 * Starting, resuming and finishing executions. `startExecution` validates the definition, emits
 * ExecutionStarted and runs; `createExecution` only builds the initial snapshot (persist it, then
 * run it with `resumeExecution`, which emits ExecutionStarted for it); `resumeExecution` continues a snapshot where its last checkpoint
 * left it (the caller should drop any stored history events with id >= snapshot.nextEventId
 * first: they were emitted after that checkpoint and will be emitted again).
 */
import { AslErrors } from '../errors.ts';
import type { IntrinsicEnvironment } from '../intrinsics/intrinsic-error.ts';
import type { Json, MachineDefinition, QueryLanguage } from '../types.ts';
import { validateDefinition } from '../validate/validate-definition.ts';
import { abortReason, childController, ExecutionAbortedError } from './abort.ts';
import type { Collaborators } from './collaborators.ts';
import { Recorder } from './history.ts';
import { newMachineRun } from './machine-run.ts';
import { runMachine } from './run-machine.ts';
import type { Runtime } from './runtime.ts';
import type { ExecutionSnapshot } from './snapshot.ts';

export type ExecutionResult =
  | { status: 'SUCCEEDED'; output: Json; snapshot: ExecutionSnapshot }
  | { status: 'FAILED' | 'ABORTED' | 'TIMED_OUT'; error: string; cause: string; snapshot: ExecutionSnapshot };

export interface RunOptions {
  definition: MachineDefinition;
  collaborators: Collaborators;
  /** Abort to stop the execution (ExecutionAborted); pass `{ kind: 'stopped', error, cause }` as reason to name why. */
  signal?: AbortSignal;
  /** Largest state output in bytes (default 256 KiB, as Step Functions); 0 disables the check. */
  payloadLimitBytes?: number;
}

export interface StartOptions extends RunOptions {
  input?: Json;
  /** Execution name; a UUID from the collaborators by default. */
  name?: string;
  executionId?: string;
  stateMachineId?: string;
  stateMachineName?: string;
  roleArn?: string;
}

export interface ResumeOptions extends RunOptions {
  snapshot: ExecutionSnapshot;
}

const defaultPayloadLimit = 256 * 1024;

/** Creates the initial snapshot without running anything (e.g. to persist it before starting). */
export function createExecution(options: StartOptions): ExecutionSnapshot {
  validateDefinition(options.definition);
  const { collaborators, definition } = options;
  const name = options.name ?? collaborators.uuid();
  const stateMachineName = options.stateMachineName ?? 'StateMachine';
  const stateMachineId =
    options.stateMachineId ?? `arn:slipway:states:local:000000000000:stateMachine:${stateMachineName}`;
  const startTime = collaborators.now();
  const input = options.input ?? {};
  const snapshot: ExecutionSnapshot = {
    version: 1,
    execution: {
      id:
        options.executionId ?? `arn:slipway:states:local:000000000000:execution:${stateMachineName}:${name}`,
      name,
      input,
      startTime,
      stateMachineId,
      stateMachineName,
      ...(options.roleArn ? { roleArn: options.roleArn } : {}),
    },
    status: 'RUNNING',
    nextEventId: 1,
    lastEventId: 0,
    root: newMachineRun(definition.StartAt, input, {}, 0),
  };
  if (definition.TimeoutSeconds !== undefined)
    snapshot.deadline = startTime + definition.TimeoutSeconds * 1000;
  return snapshot;
}

export async function startExecution(options: StartOptions): Promise<ExecutionResult> {
  const snapshot = createExecution(options);
  return drive(makeRuntime(options, snapshot), options);
}

export async function resumeExecution(options: ResumeOptions): Promise<ExecutionResult> {
  const snapshot = structuredClone(options.snapshot);
  if (snapshot.version !== 1)
    throw AslErrors.invalidSnapshot({ reason: `unknown version ${String(snapshot.version)}` });
  validateDefinition(options.definition);
  if (!options.definition.States[snapshot.root.current])
    throw AslErrors.invalidSnapshot({ reason: `state "${snapshot.root.current}" is not in the definition` });
  return drive(makeRuntime(options, snapshot), options);
}

function makeRuntime(options: RunOptions, snapshot: ExecutionSnapshot): Runtime {
  const { collaborators } = options;
  const env: IntrinsicEnvironment & { now(): number } = {
    random: () => collaborators.random(),
    uuid: () => collaborators.uuid(),
    now: () => collaborators.now(),
  };
  const rt: Runtime = {
    collaborators,
    recorder: new Recorder(snapshot, collaborators),
    snapshot,
    env,
    payloadLimitBytes: options.payloadLimitBytes ?? defaultPayloadLimit,
    runMachine: (definition, run, language, signal) => runMachine(rt, definition, run, language, signal),
  };
  return rt;
}

function resultOf(snapshot: ExecutionSnapshot): ExecutionResult {
  if (snapshot.status === 'SUCCEEDED')
    return { status: 'SUCCEEDED', output: snapshot.output ?? null, snapshot };
  return {
    status: snapshot.status as 'FAILED',
    error: snapshot.error ?? '',
    cause: snapshot.cause ?? '',
    snapshot,
  };
}

async function drive(rt: Runtime, options: RunOptions): Promise<ExecutionResult> {
  const { snapshot, collaborators } = rt;
  if (snapshot.status !== 'RUNNING') return resultOf(snapshot);
  const external = options.signal ?? new AbortController().signal;
  const { controller, dispose } = childController(external);
  const timer = new AbortController();
  if (snapshot.deadline !== undefined) {
    const remaining = Math.max(0, snapshot.deadline - collaborators.now());
    collaborators.sleep(remaining, timer.signal).then(
      () => controller.abort({ kind: 'timed-out' }),
      () => {},
    );
  }
  const language: QueryLanguage = options.definition.QueryLanguage ?? 'JSONPath';
  // A snapshot from createExecution has emitted nothing yet: this run is its start.
  if (snapshot.nextEventId === 1) {
    const details: Record<string, Json> = {
      input: snapshot.execution.input,
      stateMachineArn: snapshot.execution.stateMachineId,
    };
    if (snapshot.execution.roleArn) details.roleArn = snapshot.execution.roleArn;
    rt.recorder.emit(snapshot.root, 'ExecutionStarted', details);
    await rt.recorder.checkpoint();
  }
  try {
    await runMachine(rt, options.definition, snapshot.root, language, controller.signal);
    const { root } = snapshot;
    if (root.status === 'succeeded') {
      snapshot.status = 'SUCCEEDED';
      snapshot.output = root.output ?? null;
      rt.recorder.emit(root, 'ExecutionSucceeded', { output: snapshot.output });
    } else {
      snapshot.status = 'FAILED';
      snapshot.error = root.error ?? '';
      snapshot.cause = root.cause ?? '';
      rt.recorder.emit(root, 'ExecutionFailed', { error: snapshot.error, cause: snapshot.cause });
    }
  } catch (thrown) {
    if (!(thrown instanceof ExecutionAbortedError) && !controller.signal.aborted) throw thrown;
    const reason = abortReason(controller.signal);
    if (reason.kind === 'timed-out') {
      snapshot.status = 'TIMED_OUT';
      snapshot.error = 'States.Timeout';
      snapshot.cause = 'The execution timed out.';
      rt.recorder.emit(snapshot.root, 'ExecutionTimedOut', { error: snapshot.error, cause: snapshot.cause });
    } else {
      snapshot.status = 'ABORTED';
      snapshot.error = reason.kind === 'stopped' ? (reason.error ?? '') : '';
      snapshot.cause = reason.kind === 'stopped' ? (reason.cause ?? '') : '';
      rt.recorder.emit(snapshot.root, 'ExecutionAborted', { error: snapshot.error, cause: snapshot.cause });
    }
  } finally {
    timer.abort();
    dispose();
  }
  await rt.recorder.checkpoint();
  return resultOf(snapshot);
}
