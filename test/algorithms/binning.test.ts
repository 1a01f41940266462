import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { datasetFromArrays } from '../../src/algorithms/data/dataset.ts';
import { learnFeaturePlan } from '../../src/algorithms/features/feature-plan.ts';
import { binColumn, binDataset, binOf, learnCuts } from '../../src/algorithms/gbdt/binning.ts';

test('the branchless column binning equals the plain binary search, and bins respect the cuts', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.float({ noNaN: true, noDefaultInfinity: true }), { minLength: 0, maxLength: 40 }),
      fc.array(fc.oneof(fc.float({ noNaN: true, noDefaultInfinity: true }), fc.constant(Number.NaN)), {
        maxLength: 50,
      }),
      (rawCuts, values) => {
        const cuts = Float64Array.from(new Set(rawCuts.map((c) => Math.fround(c) + 0))).sort();
        const out = new Uint16Array(values.length);
        binColumn(cuts, Float64Array.from(values), out, 0, 1, 10);
        values.forEach((x, i) => {
          const bin = binOf(cuts, x);
          assert.equal(out[i], 10 + bin);
          if (Number.isNaN(x)) {
            assert.equal(bin, 0);
            return;
          }
          // Bin b > 0 holds values in (cuts[b-2], cuts[b-1]]: "bin ≤ s + 1" is "x ≤ cuts[s]".
          const v = Math.fround(x);
          if (bin >= 2) assert.ok(v > cuts[bin - 2]);
          if (bin - 1 < cuts.length) assert.ok(v <= cuts[bin - 1]);
        });
      },
    ),
  );
});

test('quantile cuts give balanced bins, few distinct values get a bin each, one-hots three slots', () => {
  const n = 10000;
  const x = Array.from({ length: n }, (_, i) => (i * 7919) % n);
  const small = Array.from({ length: n }, (_, i) => i % 3);
  const colour = Array.from({ length: n }, (_, i) => (i % 2 ? 'red' : 'blue'));
  const dataset = datasetFromArrays({ x, small, colour });
  const plan = learnFeaturePlan(dataset, { exclude: [], maxCategories: 10 });
  const cuts = learnCuts(dataset, plan, 16, 0);
  assert.equal(cuts.cuts[0].length, 15);
  assert.deepEqual([...cuts.cuts[1]], [0, 1]);
  assert.deepEqual([...cuts.offsets], [0, 17, 21, 24, 27]);
  const matrix = binDataset(dataset, plan, cuts);
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) counts.set(matrix.slots[i * 4], (counts.get(matrix.slots[i * 4]) ?? 0) + 1);
  assert.equal(counts.size, 16);
  for (const c of counts.values()) assert.ok(Math.abs(c - n / 16) <= 2, `bin count ${c}`);
  // colour categories are sorted: blue, red. Row 0 is blue.
  assert.deepEqual([...matrix.slots.subarray(2, 4)], [21 + 2, 24 + 1]);
});
