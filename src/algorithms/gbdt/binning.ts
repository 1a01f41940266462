/**
 * Quantile binning for histogram-based boosting. Every encoded feature gets sorted cut values
 * c_0 < c_1 < …; a value x falls in bin 1 + #{cuts < x}, and bin 0 holds missing values. Cuts are
 * float32 data values, and x is rounded to float32 before binning, so "bin ≤ s + 1" is exactly
 * "x ≤ c_s" as ONNX runtimes evaluate it on float inputs: the exported trees agree bit for bit.
 */
import { invalid } from '../../core/errors.ts';
import { columnByName, type Dataset } from '../data/dataset.ts';
import type { FeaturePlan } from '../features/feature-plan.ts';
import { encodedWidth } from '../features/feature-plan.ts';
import { seededRandom } from '../random.ts';

export interface BinCuts {
  /** cuts[f]: ascending float32 cut values of encoded feature f. */
  cuts: Float64Array[];
  /** Number of encoded features. */
  features: number;
  /**
   * Bins of all features are numbered in one sequence ("slots"): feature f's missing bin is slot
   * offsets[f] and its value bins follow, so one slot index addresses a histogram entry directly.
   */
  offsets: Int32Array;
  /** Total number of slots. */
  slots: number;
}

export interface BinnedMatrix {
  rows: number;
  features: number;
  /** Row-major rows × features slot indices (offsets[f] + bin; bin 0 = missing), for histograms. */
  slots: Uint16Array;
  /**
   * The same bins column by column (features × rows, bin 0 = missing), for partitioning: a split
   * reads one feature of rows in ascending order, which this layout turns into a forward scan.
   */
  columns: Uint8Array;
}

const SAMPLE_SIZE = 200_000;

/** Learns cuts from the training data: up to `maxBin` value bins per numeric feature. */
export function learnCuts(dataset: Dataset, plan: FeaturePlan, maxBin: number, seed: number): BinCuts {
  const cuts: Float64Array[] = [];
  const random = seededRandom(seed ^ 0x5bd1e995);
  for (const feature of plan.numeric) {
    const column = columnByName(dataset, feature.name);
    if (column?.kind !== 'numeric') throw invalid(`data.${feature.name}`, 'must be a numeric column');
    cuts.push(numericCuts(column.values, maxBin, Math.floor(random() * 1e9)));
  }
  // One-hot columns are 0 or 1: a single cut at 0 separates them.
  for (const feature of plan.categorical) {
    for (let k = 0; k < feature.categories.length; k++) cuts.push(Float64Array.of(0));
  }
  const features = encodedWidth(plan);
  const offsets = new Int32Array(features + 1);
  for (let f = 0; f < features; f++) offsets[f + 1] = offsets[f] + cuts[f].length + 2;
  if (offsets[features] > 65535) {
    throw invalid(
      'hyperparameters.max_bin',
      `gives ${offsets[features]} bins in all, more than 65535: lower max_bin or max_categories`,
    );
  }
  return { cuts, features, offsets, slots: offsets[features] };
}

function numericCuts(values: Float64Array, maxBin: number, start: number): Float64Array {
  const n = values.length;
  // Every k-th value from a seeded start: evenly spread whatever the row order, and no RNG call per row.
  const step = Math.max(1, Math.floor(n / SAMPLE_SIZE));
  const sample = new Float64Array(Math.ceil(n / step));
  let m = 0;
  for (let i = step > 1 ? start % step : 0; i < n; i += step) {
    const v = values[i];
    if (!Number.isNaN(v)) sample[m++] = Math.fround(v);
  }
  const sorted = sample.subarray(0, m).sort();
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++)
    if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
  // Few distinct values: one bin each (the largest needs no cut above it).
  if (distinct.length <= maxBin) return Float64Array.from(distinct.slice(0, -1));
  const out: number[] = [];
  for (let q = 1; q < maxBin; q++) {
    const v = sorted[Math.floor((q * sorted.length) / maxBin) - 1];
    if (out.length === 0 || v > out[out.length - 1]) out.push(v);
  }
  if (out[out.length - 1] === sorted[sorted.length - 1]) out.pop();
  return Float64Array.from(out);
}

/** Bin of a value: 0 when missing, else 1 + number of cuts strictly below float32(x). */
export function binOf(cuts: Float64Array, x: number): number {
  if (Number.isNaN(x)) return 0;
  const v = Math.fround(x);
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cuts[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}

/**
 * binOf for a whole column: the cuts padded with +Infinity to 2^k - 1 entries, so the search is
 * a fixed number of halving steps, each adding its step or 0 by arithmetic rather than a branch
 * (a mispredicted branch at every step made this twice as slow). NaN compares false everywhere,
 * so a missing value ends at 0 and is sent to bin 0.
 */
export function binColumn(
  cuts: Float64Array,
  values: Float64Array,
  out: Uint16Array,
  offset: number,
  stride: number,
  base: number,
): void {
  let size = 1;
  while (size < cuts.length + 1) size *= 2;
  const padded = new Float64Array(size).fill(Number.POSITIVE_INFINITY);
  padded.set(cuts);
  for (let i = 0, p = offset; i < values.length; i++, p += stride) {
    const x = values[i];
    const v = Math.fround(x);
    let lo = 0;
    for (let half = size >>> 1; half >= 1; half >>>= 1) lo += half * +(padded[lo + half - 1] < v);
    out[p] = base + (Number.isNaN(x) ? 0 : lo + 1);
  }
}

/** Bins a dataset feature by feature into a row-major matrix. */
export function binDataset(dataset: Dataset, plan: FeaturePlan, cuts: BinCuts): BinnedMatrix {
  const rows = dataset.rowCount;
  const F = cuts.features;
  // Shared memory, so histogram worker threads can read the matrix without a copy.
  const slots = new Uint16Array(new SharedArrayBuffer(rows * F * 2));
  const { offsets } = cuts;
  let f = 0;
  for (const feature of plan.numeric) {
    const column = columnByName(dataset, feature.name);
    if (column?.kind !== 'numeric')
      throw invalid(`data.${feature.name}`, 'must be numeric, as in the training data');
    binColumn(cuts.cuts[f], column.values, slots, f, F, offsets[f]);
    f++;
  }
  for (const feature of plan.categorical) {
    const column = columnByName(dataset, feature.name);
    if (!column) throw invalid(`data.${feature.name}`, 'is missing from the data');
    const lookup = new Map(feature.categories.map((c, k) => [c, k]));
    const width = feature.categories.length;
    // Every one-hot column is 0 (bin 1) unless the row has that category (bin 2).
    for (let i = 0; i < rows; i++) for (let k = 0; k < width; k++) slots[i * F + f + k] = offsets[f + k] + 1;
    if (column.kind === 'categorical') {
      const translate = Int32Array.from(column.categories, (c) => lookup.get(c) ?? -1);
      for (let i = 0; i < rows; i++) {
        const code = column.codes[i];
        const k = code < 0 ? -1 : translate[code];
        if (k >= 0) slots[i * F + f + k] = offsets[f + k] + 2;
      }
    } else {
      for (let i = 0; i < rows; i++) {
        const k = Number.isNaN(column.values[i]) ? undefined : lookup.get(String(column.values[i]));
        if (k !== undefined) slots[i * F + f + k] = offsets[f + k] + 2;
      }
    }
    f += width;
  }
  const columns = new Uint8Array(new SharedArrayBuffer(rows * F));
  for (let f2 = 0; f2 < F; f2++) {
    const base = offsets[f2];
    for (let i = 0, p = f2, q = f2 * rows; i < rows; i++, p += F, q++) columns[q] = slots[p] - base;
  }
  return { rows, features: F, slots, columns };
}
