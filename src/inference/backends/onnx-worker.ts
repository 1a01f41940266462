/**
 * One ONNX instance: a worker thread with its own ONNX Runtime session. Parsing and formatting
 * happen here too, so the main thread only moves bytes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isSlipwayError } from '../../core/errors.ts';
import { formatPredictions, parseRows } from '../payload.ts';
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

parentPort!.on('message', async (request: WorkerRequest) => {
  try {
    if (request.kind === 'infer') {
      const results = await model.runTensors(request.inputs!);
      const outputs: Record<string, { data: unknown[]; dims: number[]; type: string }> = {};
      for (const [name, tensor] of Object.entries(results)) {
        outputs[name] = {
          data: Array.from(tensor.data as ArrayLike<unknown>, (v) => (typeof v === 'bigint' ? Number(v) : v)),
          dims: [...tensor.dims],
          type: tensor.type,
        };
      }
      parentPort!.postMessage({ id: request.id, ok: true, outputs } satisfies WorkerReply);
      return;
    }
    const parsed = parseRows(request.body!, request.contentType!);
    const predictions = await model.predict(parsed.rows, parsed.columns);
    const formatted = formatPredictions(predictions, request.accept!);
    parentPort!.postMessage({ id: request.id, ok: true, ...formatted } satisfies WorkerReply);
  } catch (error) {
    const status = isSlipwayError(error) && error.kind === 'validation' ? 400 : 500;
    parentPort!.postMessage({
      id: request.id,
      ok: false,
      status,
      message: (error as Error).message,
    } satisfies WorkerReply);
  }
});
