/**
 * What `slipway` exits with, so scripts can tell a typo from a failed model from a server that is
 * down. The table is printed by `slipway --help` and documented in the README.
 */
import { CommanderError } from 'commander';
import { isSlipwayError } from '../core/errors.ts';

export const exitCodes = {
  ok: 0,
  /** Anything not listed below: a refused permission, a conflict, a server error. */
  error: 1,
  /** The command line or its input was refused: an unknown flag, a bad spec file, a 400 answer. */
  usage: 2,
  /** What the command ran or waited on ended badly: a Failed or Stopped job, a failed execution. */
  failed: 3,
  /** No server answered at the URL. */
  unreachable: 4,
  /** A --wait or --watch gave up at its --timeout; what it waited on keeps going. */
  timedOut: 5,
} as const;

export const exitCodeHelp = `
Exit codes:
  0  success
  1  any other error (a permission, a conflict, a server error)
  2  usage: the command line or its input was refused (an unknown flag, a bad file, a 400 answer)
  3  a job, endpoint, transform or execution ended Failed or Stopped
  4  the server could not be reached
  5  a --wait or --watch reached its --timeout (what it waited on keeps going)`;

export const waitTimedOutCode = 'SLIPWAY_WAIT_TIMEOUT';

export function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
  if (isSlipwayError(error)) {
    if (error.code === 'SLIPWAY_UNREACHABLE') return exitCodes.unreachable;
    if (error.code === waitTimedOutCode) return exitCodes.timedOut;
    if (error.kind === 'validation' || error.kind === 'payload_too_large') return exitCodes.usage;
  }
  return exitCodes.error;
}

/** Marks the command as ended badly (exit 3) unless `status` is the one that means success. */
export function failUnless(status: string, succeeded: string): void {
  if (status !== succeeded) process.exitCode = exitCodes.failed;
}
