import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DesignMatrix } from '../../src/algorithms/features/design-matrix.ts';
import { type LinearTask, makeObjective, outputsOf } from '../../src/algorithms/linear/linear-losses.ts';
import { sharedFloat64 } from '../../src/algorithms/parallel/kernel-pool.ts';
import { seededNormal } from '../../src/algorithms/random.ts';

test('the objective split over worker threads equals the single-threaded one, for every task', () => {
  const rows = 70_000;
  const width = 5;
  const normal = seededNormal(9);
  const X: DesignMatrix = { rows, width, values: sharedFloat64(rows * width) };
  for (let i = 0; i < X.values.length; i++) X.values[i] = normal();
  const cases: [LinearTask, number, (i: number) => number][] = [
    ['binary_classifier', 2, (i) => (X.values[i * width] > 0 ? 1 : 0)],
    ['multiclass_classifier', 3, (i) => i % 3],
    ['regressor', 1, (i) => X.values[i * width + 1] * 2 + normal()],
  ];
  for (const [task, classes, label] of cases) {
    const y = sharedFloat64(rows);
    for (let i = 0; i < rows; i++) y[i] = label(i);
    const size = outputsOf(task, classes) * (width + 1);
    const w = Float64Array.from({ length: size }, () => normal() * 0.3);
    const single = { correct: 0 };
    const threaded = { correct: 0 };
    const one = makeObjective(task, X, y, classes, 0.01, single, 1);
    const many = makeObjective(task, X, y, classes, 0.01, threaded, 3);
    try {
      const g1 = new Float64Array(size);
      const g2 = new Float64Array(size);
      const l1 = one(w, g1);
      const l2 = many(w, g2);
      assert.ok(Math.abs(l1 - l2) < 1e-12 * Math.max(1, Math.abs(l1)), `${task} loss ${l1} vs ${l2}`);
      for (let j = 0; j < size; j++) assert.ok(Math.abs(g1[j] - g2[j]) < 1e-12, `${task} grad ${j}`);
      assert.equal(single.correct, threaded.correct);
    } finally {
      one.close();
      many.close();
    }
  }
});
