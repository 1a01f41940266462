/**
 * Slipway's Amazon States Language engine: validation, a pure interpreter with injected
 * collaborators, Step Functions history events, and resumable snapshots.
 */
export { AslErrors, errorMatches, StatesError, StatesErrorNames, TaskError } from './errors.ts';
export { evaluateIntrinsic, intrinsicFunctions } from './intrinsics/evaluate-intrinsic.ts';
export { readPath } from './jsonpath/evaluate-path.ts';
export { parsePath } from './jsonpath/parse-path.ts';
export type { AbortReason } from './runtime/abort.ts';
export {
  type Collaborators,
  type ItemReaderRequest,
  realSleep,
  systemCollaborators,
  type TaskRequest,
} from './runtime/collaborators.ts';
export {
  createExecution,
  type ExecutionResult,
  type ResumeOptions,
  type RunOptions,
  resumeExecution,
  type StartOptions,
  startExecution,
} from './runtime/execution.ts';
export { type HistoryEvent, type HistoryEventType, historyEventTypes } from './runtime/history.ts';
export { retryDelayMs } from './runtime/retry-policy.ts';
export type { ExecutionSnapshot, ExecutionStatus, MachineRun, MapRun, StateRun } from './runtime/snapshot.ts';
export { parseItems } from './states/map-items.ts';
export type * from './types.ts';
export type { Problem } from './validate/problems.ts';
export { findProblems, validateDefinition } from './validate/validate-definition.ts';
