/**
 * The persisted form of an execution. Everything needed to continue after a restart lives here,
 * not in closures: the current state and its input, variables, retry counters per retrier, the
 * time a pending retry or a Wait is due, and the progress of every Parallel branch and Map
 * iteration. A snapshot is plain JSON (store it as text); resuming re-enters the current state's
 * work at its last checkpoint (a Task in flight is invoked again: at-least-once).
 */
import type { Json } from '../types.ts';

export const executionStatuses = ['RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT'] as const;
export type ExecutionStatus = (typeof executionStatuses)[number];

export interface ExecutionInfo {
  id: string;
  name: string;
  input: Json;
  /** Epoch milliseconds. */
  startTime: number;
  stateMachineId: string;
  stateMachineName: string;
  roleArn?: string;
}

export interface ExecutionSnapshot {
  version: 1;
  execution: ExecutionInfo;
  status: ExecutionStatus;
  /** The id the next history event gets: events with an id at or above it are not covered. */
  nextEventId: number;
  lastEventId: number;
  /** Epoch ms when the execution times out (top-level TimeoutSeconds), if any. */
  deadline?: number;
  root: MachineRun;
  output?: Json;
  error?: string;
  cause?: string;
}

/** One running state machine: the execution itself, a Parallel branch or a Map iteration. */
export interface MachineRun {
  status: 'running' | 'succeeded' | 'failed' | 'aborted';
  current: string;
  input: Json;
  variables: Record<string, Json>;
  /** Progress in the current state; null before it is entered. */
  state: StateRun | null;
  lastEventId: number;
  output?: Json;
  error?: string;
  cause?: string;
  /**
   * Set once the parent (Parallel or Map) has recorded this run's end. A run can finish and be
   * checkpointed before that, so a resumed parent still owes it its MapIteration* event.
   */
  settled?: boolean;
}

export interface StateRun {
  enteredAt: number;
  /** Retries made so far, by index of the retrier in the state's Retry list. */
  retryCounts: number[];
  /** Epoch ms at which the pending retry starts; set while its interval is being waited. */
  retryAt?: number;
  /** Epoch ms at which a Wait state ends. */
  waitUntil?: number;
  /** Parallel: the branches of the current attempt. */
  branches?: MachineRun[];
  /** Map: the items and iterations of the current attempt. */
  map?: MapRun;
}

export interface MapRun {
  items: Json[];
  /** Iteration runs by item index; null until started. Finished ones keep only their outcome. */
  iterations: (MachineRun | null)[];
  /** The effective state input, needed by ItemSelector's `$` when an iteration starts after resume. */
  input: Json;
}
