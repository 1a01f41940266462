import type { StateDefinition } from '../../asl/index.ts';
import { Step } from './step.ts';

/** Fail: ends the execution with an error name and cause. */
export class Fail extends Step {
  readonly type = 'Fail' as const;
  protected override readonly terminal = true;
  constructor(
    stateId: string,
    private readonly options: { comment?: string; error?: string; cause?: string } = {},
  ) {
    super(stateId, { comment: options.comment });
  }
  protected body(): Partial<StateDefinition> {
    return {
      ...(this.options.error !== undefined ? { Error: this.options.error } : {}),
      ...(this.options.cause !== undefined ? { Cause: this.options.cause } : {}),
    };
  }
}
