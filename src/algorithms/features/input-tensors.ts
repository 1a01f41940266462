/**
 * Builds the ONNX input tensors of a Slipway model from a dataset, following metadata.inputs:
 * `numeric` as float32 [N, k] (NaN for missing) and `categorical` as string [N, m] ("" for missing).
 * Runtime-neutral (plain typed arrays), so serving code wraps them in its own tensor type.
 */
import { cellText, columnByName, type Dataset } from '../data/dataset.ts';
import type { InputDescription } from './onnx-preprocess.ts';

export interface InputTensor {
  type: 'float32' | 'string';
  data: Float32Array | string[];
  dims: [number, number];
}

export function buildInputTensors(
  inputs: readonly InputDescription[],
  dataset: Dataset,
): Record<string, InputTensor> {
  const n = dataset.rowCount;
  const out: Record<string, InputTensor> = {};
  for (const input of inputs) {
    const width = input.columns.length;
    const columns = input.columns.map((name) => {
      const column = columnByName(dataset, name);
      if (!column) throw new Error(`input column "${name}" is missing`);
      return column;
    });
    if (input.type === 'float32') {
      const data = new Float32Array(n * width);
      columns.forEach((column, j) => {
        for (let i = 0; i < n; i++) {
          data[i * width + j] =
            column.kind === 'numeric' ? column.values[i] : Number(cellText(column, i) ?? Number.NaN);
        }
      });
      out[input.name] = { type: 'float32', data, dims: [n, width] };
    } else {
      const data = new Array<string>(n * width);
      columns.forEach((column, j) => {
        for (let i = 0; i < n; i++) data[i * width + j] = cellText(column, i) ?? '';
      });
      out[input.name] = { type: 'string', data, dims: [n, width] };
    }
  }
  return out;
}
