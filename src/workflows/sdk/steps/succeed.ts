import type { StateDefinition } from '../../asl/index.ts';
import { Step } from './step.ts';

/** Succeed: ends the machine (or branch) successfully. */
export class Succeed extends Step {
  readonly type = 'Succeed' as const;
  protected override readonly terminal = true;
  constructor(stateId: string, options: { comment?: string; inputPath?: string; outputPath?: string } = {}) {
    super(stateId, options);
  }
  protected body(): Partial<StateDefinition> {
    return {};
  }
}
