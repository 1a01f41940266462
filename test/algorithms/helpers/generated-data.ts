/** Small generated datasets with numeric, categorical and missing values, for the learners' tests. */
import { type Dataset, datasetFromArrays } from '../../../src/algorithms/data/dataset.ts';
import { seededNormal, seededRandom } from '../../../src/algorithms/random.ts';

export function generated(options: {
  rows: number;
  task: 'binary' | 'multiclass' | 'regression';
  seed: number;
}): Dataset {
  const normal = seededNormal(options.seed);
  const uniform = seededRandom(options.seed + 1);
  const a: number[] = [];
  const b: number[] = [];
  const colour: (string | null)[] = [];
  const label: (string | number)[] = [];
  const colours = ['red', 'green', 'blue'];
  for (let i = 0; i < options.rows; i++) {
    const x1 = normal() * 3 + 10;
    const x2 = normal();
    const c = Math.floor(uniform() * 3);
    const effect = [1.5, -1, 0][c];
    a.push(uniform() < 0.05 ? Number.NaN : x1);
    b.push(x2);
    colour.push(uniform() < 0.05 ? null : colours[c]);
    const z = 0.8 * (x1 - 10) - 1.2 * x2 + effect + normal() * 0.5;
    if (options.task === 'regression') label.push(z * 10 + 100);
    else if (options.task === 'binary') label.push(z > 0 ? 1 : 0);
    else label.push(z > 1 ? 'high' : z > -1 ? 'mid' : 'low');
  }
  return datasetFromArrays({ target: label as never, a, b, colour });
}
