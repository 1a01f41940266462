import type { StateDefinition } from '../../asl/index.ts';
import type { Chain } from '../chain.ts';
import { machineOf } from '../collect.ts';
import { type DataFlowFields, Step } from './step.ts';

/** Parallel: runs its branches (chains or single steps) at the same time. */
export class Parallel extends Step {
  readonly type = 'Parallel' as const;
  protected override readonly supportsRetry = true;
  readonly branches: Array<Step | Chain> = [];
  constructor(stateId: string, options: DataFlowFields = {}) {
    super(stateId, options);
  }
  addBranch(branch: Step | Chain): this {
    this.branches.push(branch);
    return this;
  }
  protected body(): Partial<StateDefinition> {
    if (this.branches.length === 0)
      throw new Error(`${this.stateId}: a Parallel step needs at least one branch`);
    return { Branches: this.branches.map((branch) => machineOf(branch)) };
  }
}
