import assert from 'node:assert/strict';
import { test } from 'node:test';
import { datasetFromArrays } from '../../src/algorithms/data/dataset.ts';
import { learnFeaturePlan } from '../../src/algorithms/features/feature-plan.ts';
import { binDataset, learnCuts } from '../../src/algorithms/gbdt/binning.ts';
import { accumulateHistogram } from '../../src/algorithms/gbdt/histogram.ts';
import { HistogramPool } from '../../src/algorithms/gbdt/histogram-pool.ts';
import { sharedFloat64, sharedUint32 } from '../../src/algorithms/parallel/kernel-pool.ts';
import { seededNormal } from '../../src/algorithms/random.ts';

test('histograms built on worker threads equal the single-threaded ones', () => {
  const n = 40_000;
  const normal = seededNormal(3);
  const columns = Object.fromEntries(
    ['a', 'b', 'c', 'd', 'e'].map((name) => [name, Array.from({ length: n }, normal)]),
  );
  const dataset = datasetFromArrays(columns);
  const plan = learnFeaturePlan(dataset, { exclude: [], maxCategories: 10 });
  const cuts = learnCuts(dataset, plan, 255, 0);
  const matrix = binDataset(dataset, plan, cuts);
  const gh = sharedFloat64(2 * n);
  for (let i = 0; i < 2 * n; i++) gh[i] = normal();
  const rows = sharedUint32(n);
  // An ascending subset, as after a partition.
  let count = 0;
  for (let i = 0; i < n; i++) if (i % 3 !== 1) rows[count++] = i;
  const pool = new HistogramPool(3, matrix, [gh], rows, cuts.slots * 2);
  try {
    for (const [start, end] of [
      [0, count],
      [100, count],
      [5, 50],
    ]) {
      const expected = new Float64Array(cuts.slots * 2);
      accumulateHistogram(expected, matrix, gh, rows, start, end);
      const got = new Float64Array(cuts.slots * 2);
      pool.accumulate(got, 0, start, end);
      for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(got[i] - expected[i]) < 1e-9, `slot ${i}`);
    }
  } finally {
    pool.close();
  }
});
