/**
 * Grows one regression tree on gradients and hessians, depth-wise like XGBoost's `hist` method:
 * each level's nodes find their best split from histograms; only the smaller child of a split
 * gets a fresh histogram pass, the larger one is its parent's minus its sibling's.
 */
import type { BinCuts, BinnedMatrix } from './binning.ts';
import { subtractHistogram } from './histogram.ts';
import { addNode, emptyTree, type Tree } from './tree.ts';

export interface TreeParams {
  maxDepth: number;
  minChildWeight: number;
  lambda: number;
  /** Minimum loss reduction for a split. */
  gamma: number;
  learningRate: number;
}

export interface GrownTree {
  tree: Tree;
  /** Leaves with the range of the (permuted) `rows` array that landed in each. */
  leaves: { node: number; start: number; end: number }[];
}

interface Split {
  gain: number;
  feature: number;
  splitBin: number;
  defaultLeft: boolean;
  gLeft: number;
  hLeft: number;
}

interface Pending {
  node: number;
  start: number;
  end: number;
  g: number;
  h: number;
  hist: Float64Array | null;
}

export interface TreeInputs {
  matrix: BinnedMatrix;
  cuts: BinCuts;
  /** Gradient and hessian of row i at [2i] and [2i + 1]. */
  gh: Float64Array;
  /** Rows to grow on; permuted in place so each leaf's rows end up contiguous. */
  rows: Uint32Array;
  count: number;
  /** Scratch space at least `count` long. */
  scratch: Uint32Array;
  /** Adds rows[start, end) into a zeroed histogram (possibly on several threads). */
  accumulate: (hist: Float64Array, start: number, end: number) => void;
}

export function growTree(input: TreeInputs, params: TreeParams): GrownTree {
  const { cuts, gh, rows, count } = input;
  const histSize = cuts.slots * 2;
  const tree = emptyTree();
  const leaves: GrownTree['leaves'] = [];
  let g = 0;
  let h = 0;
  for (let t = 0; t < count; t++) {
    g += gh[2 * rows[t]];
    h += gh[2 * rows[t] + 1];
  }
  const root = addNode(tree);
  let level: Pending[] = [{ node: root, start: 0, end: count, g, h, hist: null }];
  if (params.maxDepth > 0) {
    const hist = new Float64Array(histSize);
    input.accumulate(hist, 0, count);
    level[0].hist = hist;
  }
  for (let depth = 0; level.length > 0; depth++) {
    const next: Pending[] = [];
    for (const item of level) {
      const split = item.hist && depth < params.maxDepth ? bestSplit(item, input, params) : null;
      if (!split) {
        tree.value[item.node] = Math.fround((-item.g / (item.h + params.lambda)) * params.learningRate);
        leaves.push({ node: item.node, start: item.start, end: item.end });
        continue;
      }
      const { node } = item;
      tree.feature[node] = split.feature;
      tree.missingSlot[node] = cuts.offsets[split.feature];
      tree.splitSlot[node] = cuts.offsets[split.feature] + split.splitBin;
      tree.threshold[node] = cuts.cuts[split.feature][split.splitBin - 1];
      tree.defaultLeft[node] = split.defaultLeft;
      const mid = partition(input, item.start, item.end, split);
      const left = addNode(tree);
      const right = addNode(tree);
      tree.left[node] = left;
      tree.right[node] = right;
      const leftItem: Pending = {
        node: left,
        start: item.start,
        end: mid,
        g: split.gLeft,
        h: split.hLeft,
        hist: null,
      };
      const rightItem: Pending = {
        node: right,
        start: mid,
        end: item.end,
        g: item.g - split.gLeft,
        h: item.h - split.hLeft,
        hist: null,
      };
      // Children at the depth limit become leaves and need no histogram at all.
      if (depth + 1 < params.maxDepth) {
        const leftSmaller = mid - item.start <= item.end - mid;
        const small = leftSmaller ? leftItem : rightItem;
        const large = leftSmaller ? rightItem : leftItem;
        const hist = new Float64Array(histSize);
        input.accumulate(hist, small.start, small.end);
        const parent = item.hist!;
        subtractHistogram(parent, hist);
        small.hist = hist;
        large.hist = parent;
      }
      item.hist = null;
      next.push(leftItem, rightItem);
    }
    level = next;
  }
  return { tree, leaves };
}

function bestSplit(item: Pending, input: TreeInputs, params: TreeParams): Split | null {
  const hist = item.hist!;
  const { offsets } = input.cuts;
  const { lambda, minChildWeight } = params;
  const G = item.g;
  const H = item.h;
  if (H < 2 * minChildWeight || item.end - item.start < 2) return null;
  const parentScore = (G * G) / (H + lambda);
  let best: Split | null = null;
  let bestGain = 0;
  const F = input.matrix.features;
  for (let f = 0; f < F; f++) {
    const base = offsets[f] * 2;
    const nb = offsets[f + 1] - offsets[f];
    const gMissing = hist[base];
    const hMissing = hist[base + 1];
    const hasMissing = hMissing > 0;
    let gl = 0;
    let hl = 0;
    // Split after bin b: left = bins 1..b (plus missing when defaultLeft).
    for (let b = 1; b < nb - 1; b++) {
      gl += hist[base + 2 * b];
      hl += hist[base + 2 * b + 1];
      // Missing values to the right.
      let gr = G - gl;
      let hr = H - hl;
      if (hl >= minChildWeight && hr >= minChildWeight) {
        const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parentScore;
        if (gain > bestGain) {
          bestGain = gain;
          // Without missing values in training, unseen NaNs follow the heavier side.
          const defaultLeft = hasMissing ? false : hl >= hr;
          best = { gain, feature: f, splitBin: b, defaultLeft, gLeft: gl, hLeft: hl };
        }
      }
      if (!hasMissing) continue;
      const gl2 = gl + gMissing;
      const hl2 = hl + hMissing;
      gr = G - gl2;
      hr = H - hl2;
      if (hl2 >= minChildWeight && hr >= minChildWeight) {
        const gain = (gl2 * gl2) / (hl2 + lambda) + (gr * gr) / (hr + lambda) - parentScore;
        if (gain > bestGain) {
          bestGain = gain;
          best = { gain, feature: f, splitBin: b, defaultLeft: true, gLeft: gl2, hLeft: hl2 };
        }
      }
    }
  }
  // XGBoost's loss reduction is half the score difference, net of gamma.
  if (!best || 0.5 * best.gain - params.gamma <= 1e-12) return null;
  return best;
}

/** Stable partition of rows[start, end) by the split; returns the first right-hand index. */
function partition(input: TreeInputs, start: number, end: number, split: Split): number {
  const { rows, scratch } = input;
  const { columns, rows: rowCount } = input.matrix;
  const { feature, defaultLeft, splitBin } = split;
  const base = feature * rowCount;
  let l = start;
  let r = 0;
  for (let t = start; t < end; t++) {
    const i = rows[t];
    const b = columns[base + i];
    const goLeft = b === 0 ? defaultLeft : b <= splitBin;
    if (goLeft) rows[l++] = i;
    else scratch[r++] = i;
  }
  rows.set(scratch.subarray(0, r), l);
  return l;
}
