import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { auc } from '../../src/algorithms/metrics.ts';

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
