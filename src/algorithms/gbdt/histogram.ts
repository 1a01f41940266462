/**
 * Gradient histograms: for every bin slot (see BinCuts), the sums of gradients and hessians of a
 * node's rows, interleaved as [g, h] pairs. Features are laid out back to back, so a one-hot column
 * costs 3 slots rather than 256, and a row's slot index addresses the histogram with no lookup.
 */
import type { BinnedMatrix } from './binning.ts';

/**
 * Adds rows[start, end) into `hist` (zeroed by the caller, length 2 × slots). `gh` holds each
 * row's gradient and hessian side by side, one cache line for both. The hottest loop of training.
 */
export function accumulateHistogram(
  hist: Float64Array,
  matrix: BinnedMatrix,
  gh: Float64Array,
  rows: Uint32Array,
  start: number,
  end: number,
): void {
  const F = matrix.features;
  const slots = matrix.slots;
  for (let t = start; t < end; t++) {
    const i = rows[t];
    const g = gh[2 * i];
    const h = gh[2 * i + 1];
    let p = i * F;
    const last = p + F;
    for (; p < last; p++) {
      const o = slots[p] << 1;
      hist[o] += g;
      hist[o + 1] += h;
    }
  }
}

/** target -= other, element-wise: the larger child's histogram from its parent's and its sibling's. */
export function subtractHistogram(target: Float64Array, other: Float64Array): void {
  for (let i = 0; i < target.length; i++) target[i] -= other[i];
}
