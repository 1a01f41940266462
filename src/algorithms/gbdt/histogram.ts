/**
 * Gradient histograms: for every encoded feature and bin, the sums of gradients and hessians of a
 * node's rows, interleaved as [g, h] pairs. Features are laid out back to back (offsets[f] is the
 * first bin of feature f), so a one-hot column costs 3 bins rather than 256.
 */
import type { BinCuts, BinnedMatrix } from './binning.ts';

export interface HistogramLayout {
  /** offsets[f]: index of feature f's bin 0 (the missing bin); offsets[F] is the total bin count. */
  offsets: Int32Array;
  /** Bins of feature f, missing bin included: cuts + 2. */
  binCount: Int32Array;
  /** Length of a histogram array (two numbers per bin). */
  size: number;
}

export function histogramLayout(cuts: BinCuts): HistogramLayout {
  const F = cuts.features;
  const offsets = new Int32Array(F + 1);
  const binCount = new Int32Array(F);
  for (let f = 0; f < F; f++) {
    binCount[f] = cuts.cuts[f].length + 2;
    offsets[f + 1] = offsets[f] + binCount[f];
  }
  return { offsets, binCount, size: offsets[F] * 2 };
}

/** Adds rows[start, end) into `hist` (which the caller has zeroed). The hottest loop of training. */
export function accumulateHistogram(
  hist: Float64Array,
  matrix: BinnedMatrix,
  layout: HistogramLayout,
  grad: Float64Array,
  hess: Float64Array,
  rows: Uint32Array,
  start: number,
  end: number,
): void {
  const F = matrix.features;
  const bins = matrix.bins;
  const offsets = layout.offsets;
  for (let t = start; t < end; t++) {
    const i = rows[t];
    const g = grad[i];
    const h = hess[i];
    let p = i * F;
    for (let f = 0; f < F; f++, p++) {
      const o = (offsets[f] + bins[p]) << 1;
      hist[o] += g;
      hist[o + 1] += h;
    }
  }
}

/** target -= other, element-wise: the larger child's histogram from its parent's and its sibling's. */
export function subtractHistogram(target: Float64Array, other: Float64Array): void {
  for (let i = 0; i < target.length; i++) target[i] -= other[i];
}
