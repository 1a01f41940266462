/** Retry and Catch policies for Task, Parallel and Map steps. */
import type { Retrier } from '../asl/index.ts';
import type { Step } from './steps/step.ts';

export class Retry {
  constructor(
    readonly options: {
      errorEquals: string[];
      intervalSeconds?: number;
      maxAttempts?: number;
      backoffRate?: number;
      maxDelaySeconds?: number;
      jitterStrategy?: 'FULL' | 'NONE';
    },
  ) {
    if (options.errorEquals.length === 0) throw new Error('Retry: errorEquals needs at least one error name');
  }

  toAsl(): Retrier {
    const o = this.options;
    const retrier: Retrier = { ErrorEquals: o.errorEquals };
    if (o.intervalSeconds !== undefined) retrier.IntervalSeconds = o.intervalSeconds;
    if (o.maxAttempts !== undefined) retrier.MaxAttempts = o.maxAttempts;
    if (o.backoffRate !== undefined) retrier.BackoffRate = o.backoffRate;
    if (o.maxDelaySeconds !== undefined) retrier.MaxDelaySeconds = o.maxDelaySeconds;
    if (o.jitterStrategy !== undefined) retrier.JitterStrategy = o.jitterStrategy;
    return retrier;
  }
}

export class Catch {
  constructor(readonly options: { errorEquals: string[]; next: Step; resultPath?: string | null }) {
    if (options.errorEquals.length === 0) throw new Error('Catch: errorEquals needs at least one error name');
  }
}
