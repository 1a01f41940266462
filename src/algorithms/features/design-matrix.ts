/**
 * Encodes a dataset into a dense row-major Float64Array (rows × encodedWidth) following a
 * FeaturePlan. Row-major suits the hot loops of both learners: a linear model's dot product and a
 * tree's per-row feature reads touch one contiguous slice.
 */
import { invalid } from '../../core/errors.ts';
import { columnByName, type Dataset } from '../data/dataset.ts';
import { encodedWidth, type FeaturePlan } from './feature-plan.ts';

export interface DesignOptions {
  /** Subtract the mean and divide by the standard deviation of each numeric column. */
  standardize: boolean;
  /** Replace missing numeric values by the training mean (otherwise they stay NaN). */
  impute: boolean;
  /** Round numeric values to float32, as the ONNX model will see them. */
  float32: boolean;
}

export interface DesignMatrix {
  rows: number;
  width: number;
  values: Float64Array;
}

export function buildDesignMatrix(dataset: Dataset, plan: FeaturePlan, options: DesignOptions): DesignMatrix {
  const rows = dataset.rowCount;
  const width = encodedWidth(plan);
  // Shared memory, so worker threads can read the matrix without a copy.
  const values = new Float64Array(new SharedArrayBuffer(rows * width * 8));
  const k = plan.numeric.length;
  const sources = plan.numeric.map((feature) => {
    const column = columnByName(dataset, feature.name);
    if (!column) throw invalid(`data.${feature.name}`, 'is missing from the data');
    if (column.kind !== 'numeric')
      throw invalid(`data.${feature.name}`, 'must be numeric, as in the training data');
    return column.values;
  });
  const shift = Float64Array.from(plan.numeric, (f) => (options.standardize ? f.mean : 0));
  const scale = Float64Array.from(plan.numeric, (f) => (options.standardize ? 1 / f.std : 1));
  const fill = Float64Array.from(plan.numeric, (f) =>
    options.impute ? (options.float32 ? Math.fround(f.mean) : f.mean) : Number.NaN,
  );
  // Blocks of rows, column by column inside a block: each inner loop is a simple strided copy of
  // one column, and the block's slice of the output stays in cache across the columns.
  const BLOCK = 2048;
  for (let from = 0; from < rows; from += BLOCK) {
    const to = Math.min(rows, from + BLOCK);
    for (let j = 0; j < k; j++) {
      const source = sources[j];
      const s = shift[j];
      const m = scale[j];
      const missing = fill[j];
      if (options.float32) {
        for (let i = from, p = from * width + j; i < to; i++, p += width) {
          const v = Math.fround(source[i]);
          values[p] = ((Number.isNaN(v) ? missing : v) - s) * m;
        }
      } else {
        for (let i = from, p = from * width + j; i < to; i++, p += width) {
          const v = source[i];
          values[p] = ((Number.isNaN(v) ? missing : v) - s) * m;
        }
      }
    }
  }
  let offset = k;
  for (const feature of plan.categorical) {
    const column = columnByName(dataset, feature.name);
    if (!column) throw invalid(`data.${feature.name}`, 'is missing from the data');
    const lookup = new Map(feature.categories.map((c, k) => [c, k]));
    if (column.kind === 'categorical') {
      // Translate the column's own dictionary once, then map codes row by row.
      const translate = Int32Array.from(column.categories, (c) => lookup.get(c) ?? -1);
      for (let i = 0, p = offset; i < rows; i++, p += width) {
        const code = column.codes[i];
        const k = code < 0 ? -1 : translate[code];
        if (k >= 0) values[p + k] = 1;
      }
    } else {
      // A validation file can make a categorical column look numeric (e.g. codes 1, 2, 3).
      for (let i = 0, p = offset; i < rows; i++, p += width) {
        const v = column.values[i];
        const k = Number.isNaN(v) ? -1 : (lookup.get(String(v)) ?? -1);
        if (k >= 0) values[p + k] = 1;
      }
    }
    offset += feature.categories.length;
  }
  return { rows, width, values };
}
