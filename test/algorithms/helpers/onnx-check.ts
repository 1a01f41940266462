/** Runs an exported model in onnxruntime-node and compares it with the trainer's own predictions. */
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import type { Dataset } from '../../../src/algorithms/data/dataset.ts';
import { buildInputTensors } from '../../../src/algorithms/features/input-tensors.ts';
import type { TrainedModel } from '../../../src/algorithms/model.ts';

export async function runOnnx(model: Pick<TrainedModel, 'onnx' | 'metadata'>, dataset: Dataset) {
  const session = await ort.InferenceSession.create(model.onnx);
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(buildInputTensors(model.metadata.inputs, dataset))) {
    feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
  }
  assert.deepEqual([...session.inputNames].sort(), Object.keys(feeds).sort());
  return session.run(feeds);
}

/**
 * Asserts ONNX and trainer agree: probabilities (or values) within `tolerance`, and the same label
 * wherever the trainer's top two classes are not within `tolerance` of each other.
 */
export async function assertOnnxMatchesTrainer(
  model: TrainedModel,
  dataset: Dataset,
  tolerance: number,
): Promise<void> {
  const out = await runOnnx(model, dataset);
  const expected = model.predict(dataset);
  const n = dataset.rowCount;
  if (model.metadata.task === 'regressor') {
    const got = out.prediction.data as Float32Array;
    assert.deepEqual(out.prediction.dims, [n, 1]);
    for (let i = 0; i < n; i++) {
      const e = expected.values![i];
      assert.ok(
        Math.abs(got[i] - e) <= tolerance * Math.max(1, Math.abs(e)),
        `row ${i}: onnx ${got[i]} vs trainer ${e}`,
      );
    }
    return;
  }
  const classes = model.metadata.classes!;
  const k = classes.length;
  const probabilities = out.probabilities.data as Float32Array;
  const labels = out.label.data as ArrayLike<unknown>;
  assert.deepEqual(out.probabilities.dims, [n, k]);
  let compared = 0;
  for (let i = 0; i < n; i++) {
    const row = expected.probabilities!.subarray(i * k, (i + 1) * k);
    for (let c = 0; c < k; c++) {
      assert.ok(
        Math.abs(probabilities[i * k + c] - row[c]) <= tolerance,
        `row ${i} class ${c}: onnx ${probabilities[i * k + c]} vs trainer ${row[c]}`,
      );
    }
    const sorted = [...row].sort((a, b) => b - a);
    if (sorted[0] - sorted[1] <= tolerance) continue;
    const label = labels[i];
    const want = classes[expected.classIndex![i]];
    assert.equal(typeof label === 'bigint' ? Number(label) : label, want, `row ${i} label`);
    compared++;
  }
  assert.ok(compared > n * 0.9, 'labels compared on most rows');
}
