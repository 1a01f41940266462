/**
 * Every --wait and --watch polls through a Deadline, so each one takes the same --timeout and
 * gives up the same way: exit 5, with what it waited on still running on the server.
 */
import { invalid, SlipwayError } from '../core/errors.ts';
import { waitTimedOutCode } from './exit-codes.ts';

/** Spread into `.option(...)` next to every --wait and --watch. */
export const timeoutOption = [
  '--timeout <seconds>',
  'with --wait/--watch: give up after this many seconds (exit 5); the work keeps running',
] as const;

export class Deadline {
  private constructor(
    private readonly seconds: number | undefined,
    private readonly endsAt: number,
  ) {}

  /** From the --timeout flag's text; no flag waits for as long as it takes. */
  static from(text: string | undefined): Deadline {
    if (text === undefined) return new Deadline(undefined, Number.POSITIVE_INFINITY);
    const seconds = Number(text);
    if (!/^\d+(\.\d+)?$/.test(text) || !(seconds > 0))
      throw invalid('--timeout', `"${text}" is not a positive number of seconds`);
    return new Deadline(seconds, Date.now() + seconds * 1000);
  }

  /** Throws the timed-out error once the time is up; `waitingFor` says what is still not done. */
  check(waitingFor: string, hint?: string): void {
    if (Date.now() < this.endsAt) return;
    throw new SlipwayError(
      waitTimedOutCode,
      'unavailable',
      `gave up waiting after ${this.seconds} s: ${waitingFor}${hint ? `. ${hint}` : ''}`,
      { timeoutSeconds: this.seconds },
    );
  }

  /** Sleeps `ms`, or less when the deadline comes first. */
  sleep(ms: number): Promise<void> {
    const left = Math.max(0, Math.min(ms, this.endsAt - Date.now()));
    return new Promise((resolve) => setTimeout(resolve, left));
  }
}
