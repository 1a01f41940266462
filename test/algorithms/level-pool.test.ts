import assert from 'node:assert/strict';
import { test } from 'node:test';
import { datasetFromArrays } from '../../src/algorithms/data/dataset.ts';
import { learnFeaturePlan } from '../../src/algorithms/features/feature-plan.ts';
import { type BinnedMatrix, binDataset, learnCuts } from '../../src/algorithms/gbdt/binning.ts';
import { LevelPool } from '../../src/algorithms/gbdt/level-pool.ts';
import { logisticGradients } from '../../src/algorithms/gbdt/objectives.ts';
import { predictBinned, type Tree } from '../../src/algorithms/gbdt/tree.ts';
import { growTree } from '../../src/algorithms/gbdt/tree-builder.ts';
import { sharedFloat64 } from '../../src/algorithms/parallel/kernel-pool.ts';
import { seededNormal, seededRandom } from '../../src/algorithms/random.ts';

// 60,000 rows: enough for three threads to each take a share (16,384 rows at least).
const n = 60_000;
const params = { maxDepth: 5, minChildWeight: 1, lambda: 1, gamma: 0, learningRate: 0.3 };

function problem() {
  const normal = seededNormal(11);
  const names = ['a', 'b', 'c', 'd', 'e'];
  const columns: Record<string, number[]> = Object.fromEntries(
    names.map((name) => [name, Array.from({ length: n }, normal)]),
  );
  // Missing values, so default directions are learned and routed.
  for (let i = 0; i < n; i += 7) columns.c[i] = Number.NaN;
  const dataset = datasetFromArrays(columns);
  const plan = learnFeaturePlan(dataset, { exclude: [], maxCategories: 10 });
  const cuts = learnCuts(dataset, plan, 64, 0);
  const matrix = binDataset(dataset, plan, cuts);
  const labels = sharedFloat64(n);
  for (let i = 0; i < n; i++) {
    const a = columns.a[i];
    const c = Number.isNaN(columns.c[i]) ? 2 : columns.c[i];
    labels[i] = a + 0.5 * c + 0.3 * normal() > 0 ? 1 : 0;
  }
  // Half the rows sampled: the others must still get their leaf values.
  const random = seededRandom(5);
  const inSample = new Uint8Array(new SharedArrayBuffer(n));
  for (let i = 0; i < n; i++) inSample[i] = random() < 0.5 ? 1 : 0;
  return { cuts, matrix, labels, inSample };
}

function grow(threads: number, passBytes?: number): { tree: Tree; raw: Float64Array; matrix: BinnedMatrix } {
  const { cuts, matrix, labels, inSample } = problem();
  const raw = sharedFloat64(n);
  const pool = new LevelPool({
    threads,
    matrix,
    ghs: [sharedFloat64(2 * n)],
    raw,
    labels,
    objective: logisticGradients,
    outputs: 1,
    inSample,
    histLength: cuts.slots * 2,
    maxDepth: params.maxDepth,
    passBytes,
  });
  try {
    pool.gradients(false);
    return { tree: growTree(pool, cuts, params, 0), raw, matrix };
  } finally {
    pool.close();
  }
}

test('a tree grown level by level adds its leaf value to every row, sampled or not', () => {
  const { tree, raw, matrix } = grow(1);
  assert.ok(tree.feature.filter((f) => f >= 0).length >= 8, 'the tree splits');
  for (let i = 0; i < n; i++) {
    assert.equal(raw[i], predictBinned(tree, matrix.slots, matrix.features, i), `row ${i}`);
  }
});

test('worker threads and one histogram per pass grow the same tree as the calling thread alone', () => {
  const alone = grow(1);
  // passBytes 1: every level builds its histograms in separate passes over the rows.
  const threaded = grow(3, 1);
  assert.deepEqual(threaded.tree, alone.tree);
  assert.deepEqual(threaded.raw, alone.raw);
});

test('histograms sum the gradients of exactly the sampled rows of their node', () => {
  const { cuts, matrix, labels, inSample } = problem();
  const ghs = [sharedFloat64(2 * n)];
  const pool = new LevelPool({
    threads: 3,
    matrix,
    ghs,
    raw: sharedFloat64(n),
    labels,
    objective: logisticGradients,
    outputs: 1,
    inSample,
    histLength: cuts.slots * 2,
    maxDepth: 3,
  });
  const naive = (inNode: (i: number) => boolean) => {
    const hist = new Float64Array(cuts.slots * 2);
    for (let i = 0; i < n; i++) {
      if (!inSample[i] || !inNode(i)) continue;
      for (let f = 0; f < matrix.features; f++) {
        const slot = matrix.slots[i * matrix.features + f];
        hist[2 * slot] += ghs[0][2 * i];
        hist[2 * slot + 1] += ghs[0][2 * i + 1];
      }
    }
    return hist;
  };
  const assertClose = (got: Float64Array, expected: Float64Array, what: string) => {
    for (let j = 0; j < expected.length; j++)
      assert.ok(Math.abs(got[j] - expected[j]) < 1e-9, `${what}, entry ${j}`);
  };
  try {
    pool.gradients(false);
    pool.start(0);
    assertClose(
      pool.accumulate(1)[0],
      naive(() => true),
      'root',
    );
    // Split the root on feature 0 at bin 10 (missing values right); only the left child gets a histogram.
    const t = pool.arrays;
    t.feature[0] = 0;
    t.shift[0] = 1;
    t.rightFrom[0] = 10;
    t.firstChild[0] = 0;
    t.build[0] = 0;
    t.listed[0] = 1;
    t.build[1] = -1;
    t.listed[1] = 0;
    pool.route();
    const bin = (i: number) => matrix.columns[i];
    assertClose(
      pool.accumulate(1)[0],
      naive((i) => bin(i) !== 0 && bin(i) <= 10),
      'left child',
    );
    for (let i = 0; i < n; i++) assert.equal(t.pos[i], bin(i) !== 0 && bin(i) <= 10 ? 0 : 1, `row ${i}`);
  } finally {
    pool.close();
  }
});
