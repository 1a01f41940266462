/**
 * Errors of the ASL engine. Two families, kept apart on purpose:
 * - `AslErrors.*` are SlipwayErrors about a *definition* (validation on create), mapped to HTTP 400;
 * - `StatesError` is an error *inside an execution*, named the ASL way (`States.TaskFailed`, or
 *   whatever a task reported), which Retry and Catch match on. A task executor throws `TaskError`.
 */
import { defineError } from '../../core/errors.ts';

export const AslErrors = {
  invalidDefinition: defineError('SLIPWAY_ASL_INVALID_DEFINITION', 'validation', '{field}: {reason}'),
  invalidSnapshot: defineError('SLIPWAY_ASL_INVALID_SNAPSHOT', 'validation', 'snapshot: {reason}'),
};

/** An ASL runtime error: `error` is the name Retry/Catch match, `cause` the human explanation. */
export class StatesError extends Error {
  readonly error: string;
  override readonly cause: string;

  constructor(error: string, cause = '') {
    super(cause ? `${error}: ${cause}` : error);
    this.name = 'StatesError';
    this.error = error;
    this.cause = cause;
  }
}

/** What a task executor throws to fail a task with a named error (e.g. `Lambda.ServiceException`). */
export class TaskError extends StatesError {
  constructor(error: string, cause = '') {
    super(error, cause);
    this.name = 'TaskError';
  }
}

/** The error names the language predefines; all start with `States.`. */
export const StatesErrorNames = {
  ALL: 'States.ALL',
  TaskFailed: 'States.TaskFailed',
  Timeout: 'States.Timeout',
  HeartbeatTimeout: 'States.HeartbeatTimeout',
  Runtime: 'States.Runtime',
  DataLimitExceeded: 'States.DataLimitExceeded',
  ResultPathMatchFailure: 'States.ResultPathMatchFailure',
  ParameterPathFailure: 'States.ParameterPathFailure',
  IntrinsicFailure: 'States.IntrinsicFailure',
  BranchFailed: 'States.BranchFailed',
  NoChoiceMatched: 'States.NoChoiceMatched',
  ExceedToleratedFailureThreshold: 'States.ExceedToleratedFailureThreshold',
  ItemReaderFailed: 'States.ItemReaderFailed',
  ResultWriterFailed: 'States.ResultWriterFailed',
  QueryEvaluationError: 'States.QueryEvaluationError',
  Permissions: 'States.Permissions',
} as const;

/**
 * Whether an ErrorEquals list matches an error. `States.ALL` matches every error except the
 * terminal ones: AWS documents that States.ALL cannot catch `States.Runtime` nor
 * `States.DataLimitExceeded` (they can still be named explicitly, which AWS also accepts).
 */
export function errorMatches(errorEquals: readonly string[], error: string): boolean {
  for (const name of errorEquals) {
    if (name === error) return true;
    if (name === StatesErrorNames.ALL && !terminalErrors.has(error)) return true;
    // AWS documents States.TaskFailed as a wildcard too: it matches any error except
    // States.Timeout (and, like States.ALL, never the terminal errors).
    if (
      name === StatesErrorNames.TaskFailed &&
      error !== StatesErrorNames.Timeout &&
      !terminalErrors.has(error)
    )
      return true;
  }
  return false;
}

const terminalErrors = new Set<string>([StatesErrorNames.Runtime, StatesErrorNames.DataLimitExceeded]);

/** Turns anything thrown into a StatesError; unexpected exceptions become States.Runtime. */
export function toStatesError(thrown: unknown): StatesError {
  if (thrown instanceof StatesError) return thrown;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new StatesError(StatesErrorNames.Runtime, message);
}
