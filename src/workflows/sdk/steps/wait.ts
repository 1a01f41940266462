import type { StateDefinition } from '../../asl/index.ts';
import { Step } from './step.ts';

export type WaitFor =
  | { seconds: number }
  | { timestamp: string }
  | { secondsPath: string }
  | { timestampPath: string };

/** Wait: for a number of seconds or until a timestamp (fixed, or read from the input). */
export class Wait extends Step {
  readonly type = 'Wait' as const;
  constructor(
    stateId: string,
    private readonly options: WaitFor & { comment?: string; inputPath?: string; outputPath?: string },
  ) {
    super(stateId, options);
    const given = ['seconds', 'timestamp', 'secondsPath', 'timestampPath'].filter((k) => k in options);
    if (given.length !== 1)
      throw new Error(`${stateId}: give exactly one of seconds, timestamp, secondsPath, timestampPath`);
  }
  protected body(): Partial<StateDefinition> {
    const o = this.options as Record<string, unknown>;
    if (o.seconds !== undefined) return { Seconds: o.seconds as number };
    if (o.timestamp !== undefined) return { Timestamp: o.timestamp as string };
    if (o.secondsPath !== undefined) return { SecondsPath: o.secondsPath as string };
    return { TimestampPath: o.timestampPath as string };
  }
}
