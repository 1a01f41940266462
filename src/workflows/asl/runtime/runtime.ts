/** The per-execution environment every state handler runs in, and the per-state scope it gets. */
import type { IntrinsicEnvironment } from '../intrinsics/intrinsic-error.ts';
import type { Json, MachineDefinition, QueryLanguage, StateDefinition } from '../types.ts';
import type { Collaborators } from './collaborators.ts';
import type { HistoryEventType, Recorder } from './history.ts';
import type { ExecutionSnapshot, MachineRun, StateRun } from './snapshot.ts';

export interface Runtime {
  collaborators: Collaborators;
  recorder: Recorder;
  snapshot: ExecutionSnapshot;
  env: IntrinsicEnvironment & { now(): number };
  /** Largest state output in bytes of JSON (Step Functions: 256 KiB); 0 disables the check. */
  payloadLimitBytes: number;
  /** Runs a (sub-)machine to its end; given here so Parallel and Map avoid an import cycle. */
  runMachine(
    definition: MachineDefinition,
    run: MachineRun,
    language: QueryLanguage,
    signal: AbortSignal,
  ): Promise<void>;
}

export interface StateScope {
  rt: Runtime;
  name: string;
  def: StateDefinition;
  language: QueryLanguage;
  machine: MachineRun;
  state: StateRun;
  signal: AbortSignal;
  /** The raw state input. */
  input: Json;
}

/** What a state handler decides: its output, where to go (null = end) and variables to assign. */
export interface StateOutcome {
  output: Json;
  next: string | null;
  assigned?: Record<string, Json>;
}

export function emit(scope: StateScope, type: HistoryEventType, details: Record<string, Json> = {}) {
  return scope.rt.recorder.emit(scope.machine, type, details);
}

export function retryCount(state: StateRun): number {
  return state.retryCounts.reduce((sum, n) => sum + (n ?? 0), 0);
}

/** The context object (`$$` in JSONPath, `$states.context` in JSONata). */
export function contextObject(scope: StateScope, extra: Record<string, Json> = {}): Json {
  const { execution } = scope.rt.snapshot;
  return {
    Execution: {
      Id: execution.id,
      Input: execution.input,
      Name: execution.name,
      RoleArn: execution.roleArn ?? null,
      StartTime: new Date(execution.startTime).toISOString(),
      RedriveCount: 0,
    },
    StateMachine: { Id: execution.stateMachineId, Name: execution.stateMachineName },
    State: {
      Name: scope.name,
      EnteredTime: new Date(scope.state.enteredAt).toISOString(),
      RetryCount: retryCount(scope.state),
    },
    ...extra,
  };
}
