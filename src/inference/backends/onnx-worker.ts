/**
 * One ONNX instance: a worker thread with its own ONNX Runtime session. Parsing and formatting
 * happen here too, so the main thread only moves bytes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isSlipwayError } from '../../core/errors.ts';
import { formatPredictions, parseRows, type Row } from '../payload.ts';
import { OnnxModel } from './onnx-model.ts';

export interface WorkerRequest {
  id: number;
  kind: 'invoke' | 'infer';
  body?: string;
  contentType?: string;
  accept?: string;
  inputs?: Record<string, { data: unknown[]; shape: number[]; datatype: string }>;
}

export type WorkerReply =
  | {
      id: number;
      ok: true;
      body?: string;
      contentType?: string;
      outputs?: Record<string, { data: unknown[]; dims: number[]; type: string }>;
    }
  | { id: number; ok: false; status: number; message: string };

const model = await OnnxModel.load(workerData.modelDir as string);
parentPort!.postMessage({ ready: true, tensors: model.describe() });

/**
 * Adaptive batching: requests that arrive while the model is busy wait, then run together as one
 * ONNX call (per-call overhead dominates small requests). An idle model runs a request at once, so
 * batching adds no latency when there is no queue.
 */
interface Pending {
  request: WorkerRequest;
  rows: Row[];
  columns?: string[];
}

let queue: WorkerRequest[] = [];
let busy = false;
/** Replies of one batch, posted back as one message. */
let replies: WorkerReply[] = [];

parentPort!.on('message', (requests: WorkerRequest[]) => {
  queue.push(...requests);
  if (!busy) void drain();
});

async function drain(): Promise<void> {
  busy = true;
  while (queue.length > 0) {
    const batch = queue;
    queue = [];
    await runBatch(batch);
    parentPort!.postMessage(replies);
    replies = [];
  }
  busy = false;
}

function reply(message: WorkerReply): void {
  replies.push(message);
}

function fail(id: number, error: unknown): void {
  const status = isSlipwayError(error) && error.kind === 'validation' ? 400 : 500;
  reply({ id, ok: false, status, message: (error as Error).message });
}

async function runBatch(requests: WorkerRequest[]): Promise<void> {
  const together: Pending[] = [];
  for (const request of requests) {
    if (request.kind === 'infer') {
      await runTensors(request);
      continue;
    }
    try {
      const parsed = parseRows(request.body!, request.contentType!);
      // Rows with their own column names (dataframe_split) are mapped by those names: run alone.
      if (parsed.columns) await runAlone({ request, rows: parsed.rows, columns: parsed.columns });
      else together.push({ request, rows: parsed.rows });
    } catch (error) {
      fail(request.id, error);
    }
  }
  if (together.length === 1) return runAlone(together[0]!);
  if (together.length === 0) return;
  let predictions: Array<Record<string, unknown>>;
  try {
    predictions = await model.predict(together.flatMap((p) => p.rows));
  } catch {
    // One request's bad row fails the whole call: run each alone so only that one fails.
    for (const pending of together) await runAlone(pending);
    return;
  }
  let offset = 0;
  for (const pending of together) {
    const mine = predictions.slice(offset, offset + pending.rows.length);
    offset += pending.rows.length;
    try {
      reply({ id: pending.request.id, ok: true, ...formatPredictions(mine, pending.request.accept!) });
    } catch (error) {
      fail(pending.request.id, error);
    }
  }
}

async function runAlone(pending: Pending): Promise<void> {
  try {
    const predictions = await model.predict(pending.rows, pending.columns);
    reply({ id: pending.request.id, ok: true, ...formatPredictions(predictions, pending.request.accept!) });
  } catch (error) {
    fail(pending.request.id, error);
  }
}

async function runTensors(request: WorkerRequest): Promise<void> {
  try {
    const results = await model.runTensors(request.inputs!);
    const outputs: Record<string, { data: unknown[]; dims: number[]; type: string }> = {};
    for (const [name, tensor] of Object.entries(results)) {
      outputs[name] = {
        data: Array.from(tensor.data as ArrayLike<unknown>, (v) => (typeof v === 'bigint' ? Number(v) : v)),
        dims: [...tensor.dims],
        type: tensor.type,
      };
    }
    reply({ id: request.id, ok: true, outputs });
  } catch (error) {
    fail(request.id, error);
  }
}
