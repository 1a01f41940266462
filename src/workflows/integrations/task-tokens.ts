/**
 * Task tokens of `.waitForTaskToken` tasks waiting in this process, and the callbacks that
 * complete them (SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat).
 */
import { type Json, TaskError, type TaskRequest } from '../asl/index.ts';
import { WorkflowErrors } from '../errors.ts';

interface Waiter {
  resolve(output: Json): void;
  reject(error: unknown): void;
  heartbeat(): void;
  execution: string;
}

export class TaskTokens {
  private readonly waiters = new Map<string, Waiter>();

  /** Resolves with the output a callback sends; rejects with its error, or when the task is aborted. */
  wait(token: string, request: TaskRequest): Promise<Json> {
    return new Promise<Json>((resolve, reject) => {
      const done = () => {
        this.waiters.delete(token);
        request.signal.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        done();
        reject(request.signal.reason);
      };
      if (request.signal.aborted) return reject(request.signal.reason);
      request.signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.set(token, {
        resolve: (output) => {
          done();
          resolve(output);
        },
        reject: (error) => {
          done();
          reject(error);
        },
        heartbeat: request.heartbeat,
        execution: request.execution.name,
      });
    });
  }

  cancel(token: string): void {
    this.waiters.delete(token);
  }

  private take(token: string): Waiter {
    const waiter = this.waiters.get(token);
    if (!waiter) throw WorkflowErrors.taskTokenUnknown();
    return waiter;
  }

  /** Returns the name of the execution the task belongs to. */
  succeed(token: string, output: Json): string {
    const waiter = this.take(token);
    waiter.resolve(output);
    return waiter.execution;
  }

  fail(token: string, error: string | undefined, cause: string | undefined): string {
    const waiter = this.take(token);
    waiter.reject(new TaskError(error ?? 'States.TaskFailed', cause ?? ''));
    return waiter.execution;
  }

  heartbeat(token: string): string {
    const waiter = this.take(token);
    waiter.heartbeat();
    return waiter.execution;
  }
}
