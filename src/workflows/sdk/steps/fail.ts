import type { StateDefinition } from '../../asl/index.ts';
import { Step } from './step.ts';

export interface FailOptions {
  comment?: string;
  error?: string;
  cause?: string;
  /** A path to the error name in the state's input, e.g. `$.error.Error` after a Catch to `$.error`. */
  errorPath?: string;
  /** A path to the cause in the state's input, e.g. `$.error.Cause`. */
  causePath?: string;
}

/**
 * Fail: ends the execution with an error name and cause. After a Catch, `errorPath` and `causePath`
 * carry the caught error onto the execution, so it fails with the step's own error and message.
 */
export class Fail extends Step {
  readonly type = 'Fail' as const;
  protected override readonly terminal = true;
  constructor(
    stateId: string,
    private readonly options: FailOptions = {},
  ) {
    super(stateId, { comment: options.comment });
    if (options.error !== undefined && options.errorPath !== undefined)
      throw new Error(`${stateId}: give error or errorPath, not both`);
    if (options.cause !== undefined && options.causePath !== undefined)
      throw new Error(`${stateId}: give cause or causePath, not both`);
  }
  protected body(): Partial<StateDefinition> {
    const o = this.options;
    return {
      ...(o.error !== undefined ? { Error: o.error } : {}),
      ...(o.errorPath !== undefined ? { ErrorPath: o.errorPath } : {}),
      ...(o.cause !== undefined ? { Cause: o.cause } : {}),
      ...(o.causePath !== undefined ? { CausePath: o.causePath } : {}),
    };
  }
}

/** The Fail state a Catch with `resultPath: '$.error'` leads to: the caught error becomes the execution's. */
export function failWithCaughtError(stateId = 'PipelineFailed'): Fail {
  return new Fail(stateId, { errorPath: '$.error.Error', causePath: '$.error.Cause' });
}
