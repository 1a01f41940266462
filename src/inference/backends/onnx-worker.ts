/**
 * One ONNX instance: a worker thread with its own ONNX Runtime session. Parsing and formatting
 * happen here too, so the main thread only moves bytes. Requests arrive through the shared-memory
 * channel (shared-channel.ts) or, when too large for a slot and for tensor requests, by message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isSlipwayError } from '../../core/errors.ts';
import { formatPredictions, type PredictionRows, parseRows, type Row } from '../payload.ts';
import { doorbell, type WorkerReply, type WorkerRequest } from './onnx-messages.ts';
import { OnnxModel } from './onnx-model.ts';
import { type ChannelShape, WorkerEnd } from './shared-channel.ts';

const data = workerData as { modelDir: string; channel: SharedArrayBuffer; shape: ChannelShape };
const model = await OnnxModel.load(data.modelDir);
const channel = new WorkerEnd(data.channel, data.shape);
const ringMain = () => parentPort!.postMessage(doorbell);
parentPort!.postMessage({ ready: true, tensors: model.describe() });

/** A request from either path: `slot` ≥ 0 for the channel, else `id` for a message. */
interface Job {
  slot: number;
  id: number;
  kind: 'invoke' | 'infer';
  body?: string;
  contentType?: string;
  accept?: string;
  inputs?: WorkerRequest['inputs'];
}

/**
 * Adaptive batching: requests that arrive while the model is busy wait, then run together as one
 * ONNX call (per-call overhead dominates small requests). An idle model runs a request at once, so
 * batching adds no latency when there is no queue.
 */
interface Pending {
  job: Job;
  rows: Row[];
  columns?: string[];
}

let queue: Job[] = [];
let busy = false;
/** Replies going by message, posted as one message per batch. */
let replies: WorkerReply[] = [];

parentPort!.on('message', (message: WorkerRequest[] | typeof doorbell) => {
  if (message !== doorbell) {
    for (const request of message) {
      queue.push(
        job(-1, request.id, request.kind, request.body, request.contentType, request.accept, request.inputs),
      );
    }
  }
  if (!busy) void drain();
});

/** Jobs from both paths are made here, so the batch loop sees one object shape. */
function job(
  slot: number,
  id: number,
  kind: Job['kind'],
  body: string | undefined,
  contentType: string | undefined,
  accept: string | undefined,
  inputs?: Job['inputs'],
): Job {
  return { slot, id, kind, body, contentType, accept, inputs };
}

async function drain(): Promise<void> {
  busy = true;
  for (;;) {
    // Requests queued while the last batch ran are taken here without any message.
    const batch = queue;
    queue = [];
    for (const r of channel.take()) batch.push(job(r.slot, -1, 'invoke', r.body, r.contentType, r.accept));
    if (batch.length === 0) break;
    await runBatch(batch);
    channel.publish(ringMain);
    if (replies.length > 0) {
      parentPort!.postMessage(replies);
      replies = [];
    }
  }
  busy = false;
}

function succeed(job: Job, body: string, contentType: string): void {
  if (job.slot >= 0) {
    if (channel.reply(job.slot, 200, contentType, body)) return;
    replies.push({ slot: job.slot, ok: true, body, contentType });
  } else replies.push({ id: job.id, ok: true, body, contentType });
}

function fail(job: Job, error: unknown): void {
  const status = isSlipwayError(error) && error.kind === 'validation' ? 400 : 500;
  const message = (error as Error).message;
  if (job.slot >= 0) {
    if (channel.reply(job.slot, status, '', message)) return;
    replies.push({ slot: job.slot, ok: false, status, message });
  } else replies.push({ id: job.id, ok: false, status, message });
}

/** Answers `job` with predictions `from`…`to`. */
function answer(job: Job, predictions: PredictionRows, from = 0, to = predictions.length): void {
  try {
    const formatted = formatPredictions(predictions, job.accept!, from, to);
    succeed(job, formatted.body, formatted.contentType);
  } catch (error) {
    fail(job, error);
  }
}

async function runBatch(jobs: Job[]): Promise<void> {
  const together: Pending[] = [];
  for (const job of jobs) {
    if (job.kind === 'infer') {
      await runTensors(job);
      continue;
    }
    try {
      const parsed = parseRows(job.body!, job.contentType!);
      // Rows with their own column names (dataframe_split) are mapped by those names: run alone.
      if (parsed.columns) await runAlone({ job, rows: parsed.rows, columns: parsed.columns });
      else together.push({ job, rows: parsed.rows });
    } catch (error) {
      fail(job, error);
    }
  }
  if (together.length === 1) return runAlone(together[0]!);
  if (together.length === 0) return;
  let predictions: PredictionRows;
  try {
    predictions = await model.predict(together.flatMap((p) => p.rows));
  } catch {
    // One request's bad row fails the whole call: run each alone so only that one fails.
    for (const pending of together) await runAlone(pending);
    return;
  }
  let offset = 0;
  for (const pending of together) {
    answer(pending.job, predictions, offset, offset + pending.rows.length);
    offset += pending.rows.length;
  }
}

async function runAlone(pending: Pending): Promise<void> {
  let predictions: PredictionRows;
  try {
    predictions = await model.predict(pending.rows, pending.columns);
  } catch (error) {
    return fail(pending.job, error);
  }
  answer(pending.job, predictions);
}

async function runTensors(job: Job): Promise<void> {
  try {
    const results = await model.runTensors(job.inputs!);
    const outputs: Record<string, { data: unknown[]; dims: number[]; type: string }> = {};
    for (const [name, tensor] of Object.entries(results)) {
      outputs[name] = {
        data: Array.from(tensor.data as ArrayLike<unknown>, (v) => (typeof v === 'bigint' ? Number(v) : v)),
        dims: [...tensor.dims],
        type: tensor.type,
      };
    }
    replies.push({ id: job.id, ok: true, outputs });
  } catch (error) {
    fail(job, error);
  }
}
