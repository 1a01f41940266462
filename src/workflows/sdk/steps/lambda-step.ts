import type { DataFlowFields } from './step.ts';
import { Task } from './task.ts';

/** LambdaStep: `lambda:invoke` of a registered function with a payload (placeholders allowed). */
export class LambdaStep extends Task {
  constructor(
    stateId: string,
    options: DataFlowFields & {
      functionName: string;
      payload?: Record<string, unknown>;
      waitForCallback?: boolean;
      timeoutSeconds?: number;
    },
  ) {
    super(stateId, {
      ...options,
      resource: `arn:aws:states:::lambda:invoke${options.waitForCallback ? '.waitForTaskToken' : ''}`,
      parameters: {
        FunctionName: options.functionName,
        ...(options.payload !== undefined ? { Payload: options.payload } : {}),
        ...options.parameters,
      },
    });
  }
}
