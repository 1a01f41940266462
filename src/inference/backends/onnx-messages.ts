/**
 * What the main thread and an ONNX worker say by message (the shared-memory channel carries the
 * rest). Kept apart from the worker's module, which loads a model when imported.
 */

/** A request sent by message: `id` names it in the reply. */
export interface WorkerRequest {
  id: number;
  kind: 'invoke' | 'infer';
  body?: string;
  contentType?: string;
  accept?: string;
  inputs?: Record<string, { data: unknown[]; shape: number[]; datatype: string }>;
}

/** A reply sent by message: to a message request (`id`), or to a slot whose reply did not fit (`slot`). */
export type WorkerReply = { id?: number; slot?: number } & (
  | {
      ok: true;
      body?: string;
      contentType?: string;
      outputs?: Record<string, { data: unknown[]; dims: number[]; type: string }>;
    }
  | { ok: false; status: number; message: string }
);

/** Sent by either side to wake the other: work is waiting in the channel. */
export const doorbell = 0;
