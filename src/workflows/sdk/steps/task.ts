import type { StateDefinition } from '../../asl/index.ts';
import { type DataFlowFields, Step } from './step.ts';

export interface TaskOptions extends DataFlowFields {
  resource: string;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
}

/** Task: runs a task integration by resource ARN. */
export class Task extends Step {
  readonly type = 'Task' as const;
  protected override readonly supportsRetry = true;
  constructor(
    stateId: string,
    protected readonly options: TaskOptions,
  ) {
    super(stateId, options);
  }
  protected body(): Partial<StateDefinition> {
    return {
      Resource: this.options.resource,
      ...(this.options.timeoutSeconds !== undefined ? { TimeoutSeconds: this.options.timeoutSeconds } : {}),
      ...(this.options.heartbeatSeconds !== undefined
        ? { HeartbeatSeconds: this.options.heartbeatSeconds }
        : {}),
    };
  }
}
