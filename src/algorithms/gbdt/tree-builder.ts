/**
 * Grows one regression tree on gradients and hessians, depth-wise like XGBoost's `hist` method:
 * each level's nodes find their best split from histograms; only the smaller child of a split
 * gets a fresh histogram pass, the larger one is its parent's minus its sibling's. The row passes
 * (routing rows to children, building histograms) run in a LevelPool, a whole level at a time.
 */
import type { BinCuts } from './binning.ts';
import { subtractHistogram } from './histogram.ts';
import type { LevelPool } from './level-pool.ts';
import { addNode, emptyTree, type Tree } from './tree.ts';

export interface TreeParams {
  maxDepth: number;
  minChildWeight: number;
  lambda: number;
  /** Minimum loss reduction for a split. */
  gamma: number;
  learningRate: number;
}

/** The least hessian a child may have, whatever min_child_weight says. */
const MIN_CHILD_HESSIAN = 1e-6;

interface Split {
  gain: number;
  feature: number;
  splitBin: number;
  defaultLeft: boolean;
  gLeft: number;
  hLeft: number;
}

/** A node of the level being grown. */
interface LevelNode {
  node: number;
  /** Sums of gradients and hessians over its sampled rows. */
  g: number;
  h: number;
  hist: Float64Array | null;
}

/**
 * Grows the tree for output k (gradients `pool.arrays.ghs[k]`) and adds its leaf values to
 * output k's raw scores of every row, sampled or not.
 */
export function growTree(pool: LevelPool, cuts: BinCuts, params: TreeParams, k: number): Tree {
  const tables = pool.arrays;
  const tree = emptyTree();
  pool.start(k);
  const rootHist = pool.accumulate(1)[0];
  // Every sampled row has exactly one bin of feature 0, so its slots sum to the root's totals.
  let g = 0;
  let h = 0;
  for (let slot = cuts.offsets[0]; slot < cuts.offsets[1]; slot++) {
    g += rootHist[2 * slot];
    h += rootHist[2 * slot + 1];
  }
  let level: LevelNode[] = [{ node: addNode(tree), g, h, hist: rootHist }];
  for (let depth = 0; level.length > 0; depth++) {
    const next: LevelNode[] = [];
    level.forEach((item, c) => {
      const split = depth < params.maxDepth ? bestSplit(item, cuts, params) : null;
      if (!split) {
        const value = Math.fround((-item.g / (item.h + params.lambda)) * params.learningRate);
        tree.value[item.node] = value;
        tables.feature[c] = -1;
        tables.leafValue[c] = value;
        return;
      }
      const { node } = item;
      tree.feature[node] = split.feature;
      tree.missingSlot[node] = cuts.offsets[split.feature];
      tree.splitSlot[node] = cuts.offsets[split.feature] + split.splitBin;
      tree.threshold[node] = cuts.cuts[split.feature][split.splitBin - 1];
      tree.defaultLeft[node] = split.defaultLeft;
      tree.left[node] = addNode(tree);
      tree.right[node] = addNode(tree);
      tables.feature[c] = split.feature;
      tables.shift[c] = split.defaultLeft ? 0 : 1;
      tables.rightFrom[c] = split.defaultLeft ? split.splitBin + 1 : split.splitBin;
      tables.firstChild[c] = next.length;
      next.push(
        { node: tree.left[node], g: split.gLeft, h: split.hLeft, hist: null },
        { node: tree.right[node], g: item.g - split.gLeft, h: item.h - split.hLeft, hist: null },
      );
    });
    // Children at the depth limit become leaves and need no histogram. Of two siblings, the one
    // with less hessian (the smaller, roughly) gets a histogram pass; the other's is its parent's
    // minus that one's.
    const needHistograms = depth + 1 < params.maxDepth;
    let builds = 0;
    for (let c = 0; c < next.length; c += 2) {
      const leftSmaller = next[c].h <= next[c + 1].h;
      tables.build[c] = needHistograms && leftSmaller ? builds : -1;
      tables.build[c + 1] = needHistograms && !leftSmaller ? builds : -1;
      tables.listed[c] = tables.build[c] >= 0 ? 1 : 0;
      tables.listed[c + 1] = tables.build[c + 1] >= 0 ? 1 : 0;
      if (needHistograms) builds++;
    }
    pool.route();
    if (builds > 0) {
      const hists = pool.accumulate(builds);
      let parent = 0;
      for (let c = 0; c < next.length; c += 2) {
        while (tables.feature[parent] < 0) parent++;
        const parentHist = level[parent++].hist!;
        const smaller = tables.build[c] >= 0 ? c : c + 1;
        const hist = hists[tables.build[smaller]];
        subtractHistogram(parentHist, hist);
        next[smaller].hist = hist;
        next[smaller === c ? c + 1 : c].hist = parentHist;
      }
    }
    level = next;
  }
  return tree;
}

function bestSplit(item: LevelNode, cuts: BinCuts, params: TreeParams): Split | null {
  const hist = item.hist!;
  const { offsets } = cuts;
  const { lambda, minChildWeight } = params;
  const G = item.g;
  const H = item.h;
  // Both sides need a positive hessian: every row has one, so an empty side has none. The floor
  // keeps a side that is empty only up to rounding (H - hl ≈ 1e-17) from passing as a child.
  const minHessian = Math.max(minChildWeight, MIN_CHILD_HESSIAN);
  if (H < 2 * minHessian) return null;
  const parentScore = (G * G) / (H + lambda);
  let best: Split | null = null;
  let bestGain = 0;
  const F = cuts.features;
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
      if (hl >= minHessian && hr >= minHessian) {
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
      if (hl2 >= minHessian && hr >= minHessian) {
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
