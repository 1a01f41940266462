/**
 * Everything the engine needs from the outside world, injected so that the interpreter stays
 * pure and deterministic: time, sleeping, randomness, ids, task execution, reading Map items,
 * and the persistence hooks (history and checkpoints).
 */
import { randomUUID } from 'node:crypto';
import type { ItemReaderConfig } from '../states/map-items.ts';
import type { Json } from '../types.ts';
import type { HistoryEvent } from './history.ts';
import type { ExecutionSnapshot } from './snapshot.ts';

export interface TaskRequest {
  resource: string;
  parameters: Json;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  /** Set for `.waitForTaskToken` resources: the executor hands it to whoever will call back. */
  taskToken?: string;
  /** Aborted when the task timed out, the execution was stopped or a sibling branch failed. */
  signal: AbortSignal;
  /** Call it to report liveness; without a call within HeartbeatSeconds the task times out. */
  heartbeat(): void;
  execution: { id: string; name: string; stateName: string; retryCount: number };
}

export interface ItemReaderRequest {
  resource: string;
  readerConfig: ItemReaderConfig;
  /** Evaluated Parameters (JSONPath) or Arguments (JSONata), e.g. `{ Bucket, Key }`. */
  parameters: Json;
  signal: AbortSignal;
}

export interface Collaborators {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms`; rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Uniform in [0, 1): retry jitter and States.MathRandom. */
  random(): number;
  uuid(): string;
  /** Runs a Task state's resource; throws TaskError for a named failure. */
  invokeTask(request: TaskRequest): Promise<Json>;
  /**
   * Reads a distributed Map's ItemReader source: return the object's text (parsed here as CSV,
   * JSON Lines or JSON per ReaderConfig.InputType) or an already-parsed array of items.
   */
  readItems?(request: ItemReaderRequest): Promise<string | Json[]>;
  /** Receives every history event, in id order, before the checkpoint that covers them. */
  appendHistory?(events: HistoryEvent[]): Promise<void> | void;
  /** Receives a self-contained copy of the execution after each transition. */
  onCheckpoint?(snapshot: ExecutionSnapshot): Promise<void> | void;
}

/** Sleeps with a real timer; the abort reason is thrown when `signal` fires. */
export function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The production defaults for time, randomness and ids; task execution is always the caller's. */
export const systemCollaborators = {
  now: () => Date.now(),
  sleep: realSleep,
  random: () => Math.random(),
  uuid: () => randomUUID(),
} satisfies Partial<Collaborators>;
