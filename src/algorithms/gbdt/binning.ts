/**
 * Quantile binning for histogram-based boosting. Every encoded feature gets sorted cut values
 * c_0 < c_1 < …; a value x falls in bin 1 + #{cuts < x}, and bin 0 holds missing values. Cuts are
 * float32 data values, and x is rounded to float32 before binning, so "bin ≤ s + 1" is exactly
 * "x ≤ c_s" as ONNX runtimes evaluate it on float inputs: the exported trees agree bit for bit.
 */
import { columnByName, type Dataset } from '../data/dataset.ts';
import type { FeaturePlan } from '../features/feature-plan.ts';
import { encodedWidth } from '../features/feature-plan.ts';
import { seededRandom } from '../random.ts';

export interface BinCuts {
  /** cuts[f]: ascending float32 cut values of encoded feature f. */
  cuts: Float64Array[];
  /** Number of encoded features. */
  features: number;
}

export interface BinnedMatrix {
  rows: number;
  features: number;
  /** Row-major rows × features bin indices (0 = missing). */
  bins: Uint8Array;
}

const SAMPLE_SIZE = 200_000;

/** Learns cuts from the training data: up to `maxBin` value bins per numeric feature. */
export function learnCuts(dataset: Dataset, plan: FeaturePlan, maxBin: number, seed: number): BinCuts {
  const cuts: Float64Array[] = [];
  const random = seededRandom(seed ^ 0x5bd1e995);
  for (const feature of plan.numeric) {
    const column = columnByName(dataset, feature.name);
    if (!column || column.kind !== 'numeric') throw new Error(`numeric column ${feature.name} not found`);
    cuts.push(numericCuts(column.values, maxBin, random));
  }
  // One-hot columns are 0 or 1: a single cut at 0 separates them.
  for (const feature of plan.categorical) {
    for (let k = 0; k < feature.categories.length; k++) cuts.push(Float64Array.of(0));
  }
  return { cuts, features: encodedWidth(plan) };
}

function numericCuts(values: Float64Array, maxBin: number, random: () => number): Float64Array {
  const n = values.length;
  const keep = n <= SAMPLE_SIZE ? 1 : SAMPLE_SIZE / n;
  const sample: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    if (keep < 1 && random() >= keep) continue;
    sample.push(Math.fround(v));
  }
  const sorted = Float64Array.from(sample).sort();
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

/** Bins a dataset feature by feature into a row-major matrix. */
export function binDataset(dataset: Dataset, plan: FeaturePlan, cuts: BinCuts): BinnedMatrix {
  const rows = dataset.rowCount;
  const F = cuts.features;
  const bins = new Uint8Array(rows * F);
  let f = 0;
  for (const feature of plan.numeric) {
    const column = columnByName(dataset, feature.name);
    if (!column || column.kind !== 'numeric')
      throw new Error(`column "${feature.name}" must be numeric, as in training`);
    const c = cuts.cuts[f];
    const values = column.values;
    for (let i = 0, p = f; i < rows; i++, p += F) bins[p] = binOf(c, values[i]);
    f++;
  }
  for (const feature of plan.categorical) {
    const column = columnByName(dataset, feature.name);
    if (!column) throw new Error(`column "${feature.name}" is missing`);
    const lookup = new Map(feature.categories.map((c, k) => [c, k]));
    const width = feature.categories.length;
    // Every one-hot column is 0 (bin 1) unless the row has that category (bin 2).
    for (let i = 0; i < rows; i++) bins.fill(1, i * F + f, i * F + f + width);
    if (column.kind === 'categorical') {
      const translate = Int32Array.from(column.categories, (c) => lookup.get(c) ?? -1);
      for (let i = 0; i < rows; i++) {
        const code = column.codes[i];
        const k = code < 0 ? -1 : translate[code];
        if (k >= 0) bins[i * F + f + k] = 2;
      }
    } else {
      for (let i = 0; i < rows; i++) {
        const k = Number.isNaN(column.values[i]) ? undefined : lookup.get(String(column.values[i]));
        if (k !== undefined) bins[i * F + f + k] = 2;
      }
    }
    f += width;
  }
  return { rows, features: F, bins };
}
