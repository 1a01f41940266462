/**
 * A regression tree as flat arrays (node ids are array indices, root 0). Internal nodes send a
 * row left when x ≤ threshold (equivalently bin ≤ splitBin), and missing values to the learned
 * default side; leaves hold the (already learning-rate-scaled, float32) value.
 */
export interface Tree {
  /** Encoded feature index, or -1 for a leaf. */
  feature: number[];
  /** float32 threshold: left iff x ≤ threshold. */
  threshold: number[];
  /** Training-time routing by slot (see BinCuts): left iff missingSlot < slot ≤ splitSlot. */
  splitSlot: number[];
  /** The slot of the split feature's missing bin. */
  missingSlot: number[];
  defaultLeft: boolean[];
  left: number[];
  right: number[];
  value: number[];
}

export function emptyTree(): Tree {
  return {
    feature: [],
    threshold: [],
    splitSlot: [],
    missingSlot: [],
    defaultLeft: [],
    left: [],
    right: [],
    value: [],
  };
}

export function addNode(tree: Tree): number {
  tree.feature.push(-1);
  tree.threshold.push(0);
  tree.splitSlot.push(0);
  tree.missingSlot.push(0);
  tree.defaultLeft.push(true);
  tree.left.push(-1);
  tree.right.push(-1);
  tree.value.push(0);
  return tree.feature.length - 1;
}

/** The leaf value for row `row` of a binned matrix. */
export function predictBinned(tree: Tree, slots: Uint16Array, features: number, row: number): number {
  let node = 0;
  const base = row * features;
  while (tree.feature[node] >= 0) {
    const s = slots[base + tree.feature[node]];
    const goLeft = s === tree.missingSlot[node] ? tree.defaultLeft[node] : s <= tree.splitSlot[node];
    node = goLeft ? tree.left[node] : tree.right[node];
  }
  return tree.value[node];
}

/** The leaf value for a row of raw encoded features (float64 row-major), as an ONNX runtime computes it. */
export function predictRaw(tree: Tree, values: Float64Array, features: number, row: number): number {
  let node = 0;
  const base = row * features;
  while (tree.feature[node] >= 0) {
    const x = values[base + tree.feature[node]];
    const goLeft = Number.isNaN(x) ? tree.defaultLeft[node] : Math.fround(x) <= tree.threshold[node];
    node = goLeft ? tree.left[node] : tree.right[node];
  }
  return tree.value[node];
}

export function treeDepth(tree: Tree, node = 0): number {
  if (tree.feature[node] < 0) return 0;
  return 1 + Math.max(treeDepth(tree, tree.left[node]), treeDepth(tree, tree.right[node]));
}
