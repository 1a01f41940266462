import type { StateDefinition } from '../../asl/index.ts';
import { type DataFlowFields, Step } from './step.ts';

/** Pass: passes its input on, or a fixed `result`. */
export class Pass extends Step {
  readonly type = 'Pass' as const;
  constructor(
    stateId: string,
    private readonly options: DataFlowFields & { result?: unknown } = {},
  ) {
    super(stateId, options);
  }
  protected body(): Partial<StateDefinition> {
    return this.options.result !== undefined
      ? { Result: this.options.result as StateDefinition['Result'] }
      : {};
  }
}
