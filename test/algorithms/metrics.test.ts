import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { datasetFromArrays } from '../../src/algorithms/data/dataset.ts';
import { learnFeaturePlan } from '../../src/algorithms/features/feature-plan.ts';
import { auc, binaryMetricsFromScores, classificationMetrics } from '../../src/algorithms/metrics.ts';

/** The definition: P(score of a positive > score of a negative) + ½ P(equal), over all pairs. */
function pairwiseAuc(scores: number[], y: number[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (y[i] !== 1) continue;
    for (let j = 0; j < scores.length; j++) {
      if (y[j] !== 0) continue;
      pairs++;
      wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

test('AUC equals the pairwise definition, ties included', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 1 })), {
        minLength: 2,
        maxLength: 60,
      }),
      (rows) => {
        const scores = rows.map((r) => r[0] / 5);
        const y = rows.map((r) => r[1]);
        if (!y.includes(0) || !y.includes(1)) return;
        const got = auc(Float64Array.from(scores), Float64Array.from(y));
        assert.ok(Math.abs(got - pairwiseAuc(scores, y)) < 1e-12);
      },
    ),
  );
  assert.ok(Number.isNaN(auc(Float64Array.from([0.1, 0.2]), Float64Array.from([1, 1]))));
});

test('binary metrics from scores equal the metrics of the probability matrix', () => {
  const scores = Float64Array.from([-3, -0.5, 0, 0.2, 4, 1.5, -1]);
  const y = Float64Array.from([0, 1, 0, 1, 1, 0, 0]);
  const p = new Float64Array(scores.length * 2);
  scores.forEach((z, i) => {
    p[2 * i + 1] = 1 / (1 + Math.exp(-z));
    p[2 * i] = 1 - p[2 * i + 1];
  });
  const a = binaryMetricsFromScores(scores, y);
  const b = classificationMetrics(p, 2, y);
  for (const key of ['accuracy', 'log_loss', 'auc']) assert.ok(Math.abs(a[key] - b[key]) < 1e-12, key);
});

test('feature statistics are exact for a column with a large mean and missing values', () => {
  const values = [1e9 + 1, Number.NaN, 1e9 + 2, 1e9 + 3, Number.NaN, 1e9 + 4];
  const plan = learnFeaturePlan(datasetFromArrays({ x: values }), { exclude: [], maxCategories: 10 });
  assert.equal(plan.numeric[0].mean, 1e9 + 2.5);
  assert.ok(Math.abs(plan.numeric[0].std - Math.sqrt(1.25)) < 1e-9);
});
