/**
 * Deterministic synthetic classification data for the algorithms benchmark: Gaussian features,
 * a label drawn from a logistic model with a few non-linear terms (so trees have something to
 * find beyond the linear part), written as CSV with a header and the label first.
 */
import { createWriteStream } from 'node:fs';
import { seededNormal, seededRandom } from '../src/algorithms/random.ts';

export interface SyntheticOptions {
  rows: number;
  features: number;
  seed: number;
}

/** Writes `label,f0,…` rows; resolves once the file is flushed. */
export async function writeSyntheticCsv(path: string, options: SyntheticOptions): Promise<void> {
  const normal = seededNormal(options.seed);
  const uniform = seededRandom(options.seed ^ 0x9e3779b9);
  const weights = Array.from({ length: options.features }, (_, j) => (j % 3 === 0 ? 0 : ((j % 7) - 3) / 3));
  const out = createWriteStream(path);
  const header = ['label', ...Array.from({ length: options.features }, (_, j) => `f${j}`)].join(',');
  let chunk = `${header}\n`;
  const x = new Float64Array(options.features);
  for (let i = 0; i < options.rows; i++) {
    let z = 0.25;
    for (let j = 0; j < options.features; j++) {
      x[j] = normal();
      z += weights[j] * x[j];
    }
    // Non-linear structure: an interaction, a threshold and a bump.
    z += 1.5 * x[0] * x[3] + (x[6] > 0.5 ? 2 : -0.5) + 2 * Math.exp(-x[9] * x[9]);
    const label = uniform() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    let line = String(label);
    for (let j = 0; j < options.features; j++) line += `,${x[j].toFixed(5)}`;
    chunk += `${line}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
}
