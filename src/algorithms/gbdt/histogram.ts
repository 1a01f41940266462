/**
 * Gradient histograms: for every bin slot (see BinCuts), the sums of gradients and hessians of a
 * node's rows, interleaved as [g, h] pairs. Features are laid out back to back, so a one-hot column
 * costs 3 slots rather than 256, and a row's slot index addresses the histogram with no lookup (level-kernels.ts builds them).
 */
/** target -= other, element-wise: the larger child's histogram from its parent's and its sibling's. */
export function subtractHistogram(target: Float64Array, other: Float64Array): void {
  for (let i = 0; i < target.length; i++) target[i] -= other[i];
}
