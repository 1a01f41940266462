/**
 * Full-batch objectives of the linear learner over a row-major design matrix. Parameters are laid
 * out per output k as [w_k0 … w_k(D-1), b_k]; the L2 penalty (l2/2)·|w|² leaves biases alone.
 *
 * The row loops are "range kernels" writing [loss, correct, gradient…] sums for rows
 * [start, end) into `out`: the same functions run on the calling thread and, through their
 * source text, in worker threads (see KernelPool), each over its share of the rows. Counting
 * correct predictions in the same pass makes per-iteration accuracy free.
 */
import type { DesignMatrix } from '../features/design-matrix.ts';
import { KernelPool } from '../parallel/kernel-pool.ts';

export type LinearTask = 'binary_classifier' | 'multiclass_classifier' | 'regressor';

export interface LossStats {
  /** Correct predictions in the last evaluation (classification only). */
  correct: number;
}

export function outputsOf(task: LinearTask, classes: number): number {
  return task === 'multiclass_classifier' ? classes : 1;
}

/**
 * bias + x_p · w[base…], four accumulators wide: independent partial sums let the CPU overlap the
 * multiply-adds instead of waiting on one dependency chain (about 1.5× faster in V8).
 */
export function dotRow(
  values: Float64Array,
  p: number,
  w: Float64Array,
  base: number,
  width: number,
  bias: number,
): number {
  let z0 = bias;
  let z1 = 0;
  let z2 = 0;
  let z3 = 0;
  let j = 0;
  for (const end = width - 3; j < end; j += 4) {
    z0 += values[p + j] * w[base + j];
    z1 += values[p + j + 1] * w[base + j + 1];
    z2 += values[p + j + 2] * w[base + j + 2];
    z3 += values[p + j + 3] * w[base + j + 3];
  }
  for (; j < width; j++) z0 += values[p + j] * w[base + j];
  return z0 + z1 + z2 + z3;
}

/** out[base…] += r · x_p, unrolled like dotRow. */
export function addRow(
  out: Float64Array,
  base: number,
  r: number,
  values: Float64Array,
  p: number,
  width: number,
): void {
  let j = 0;
  for (const end = width - 3; j < end; j += 4) {
    out[base + j] += r * values[p + j];
    out[base + j + 1] += r * values[p + j + 1];
    out[base + j + 2] += r * values[p + j + 2];
    out[base + j + 3] += r * values[p + j + 3];
  }
  for (; j < width; j++) out[base + j] += r * values[p + j];
}

/** Logistic loss log(1 + e^z) − y·z and its gradient, without overflow for large |z|. */
export function binaryRange(
  values: Float64Array,
  width: number,
  y: Float64Array,
  w: Float64Array,
  out: Float64Array,
  start: number,
  end: number,
): void {
  const bias = w[width];
  let loss = 0;
  let gBias = 0;
  let correct = 0;
  for (let i = start, p = start * width; i < end; i++, p += width) {
    const z = dotRow(values, p, w, 0, width, bias);
    const target = y[i];
    let prob: number;
    if (z > 0) {
      const e = Math.exp(-z);
      loss += z + Math.log1p(e) - target * z;
      prob = 1 / (1 + e);
      if (target === 1) correct++;
    } else {
      const e = Math.exp(z);
      loss += Math.log1p(e) - target * z;
      prob = e / (1 + e);
      if (target === 0) correct++;
    }
    const r = prob - target;
    addRow(out, 2, r, values, p, width);
    gBias += r;
  }
  out[0] += loss;
  out[1] += correct;
  out[2 + width] += gBias;
}

/** Half squared error and its gradient. */
export function squaredRange(
  values: Float64Array,
  width: number,
  y: Float64Array,
  w: Float64Array,
  out: Float64Array,
  start: number,
  end: number,
): void {
  const bias = w[width];
  let loss = 0;
  let gBias = 0;
  for (let i = start, p = start * width; i < end; i++, p += width) {
    const r = dotRow(values, p, w, 0, width, bias) - y[i];
    loss += 0.5 * r * r;
    addRow(out, 2, r, values, p, width);
    gBias += r;
  }
  out[0] += loss;
  out[2 + width] += gBias;
}

/** Softmax cross-entropy over `classes` outputs and its gradient. */
export function softmaxRange(
  values: Float64Array,
  width: number,
  y: Float64Array,
  w: Float64Array,
  out: Float64Array,
  start: number,
  end: number,
  classes: number,
): void {
  const stride = width + 1;
  const z = new Float64Array(classes);
  let loss = 0;
  let correct = 0;
  for (let i = start, p = start * width; i < end; i++, p += width) {
    let max = Number.NEGATIVE_INFINITY;
    let argmax = 0;
    for (let k = 0; k < classes; k++) {
      const base = k * stride;
      const s = dotRow(values, p, w, base, width, w[base + width]);
      z[k] = s;
      if (s > max) {
        max = s;
        argmax = k;
      }
    }
    const target = y[i];
    const targetScore = z[target] - max;
    let sum = 0;
    for (let k = 0; k < classes; k++) {
      z[k] = Math.exp(z[k] - max);
      sum += z[k];
    }
    loss += Math.log(sum) - targetScore;
    if (argmax === target) correct++;
    for (let k = 0; k < classes; k++) {
      const r = z[k] / sum - (k === target ? 1 : 0);
      const base = 2 + k * stride;
      addRow(out, base, r, values, p, width);
      out[base + width] += r;
    }
  }
  out[0] += loss;
  out[1] += correct;
}

const kernels = {
  binary_classifier: binaryRange,
  regressor: squaredRange,
  multiclass_classifier: softmaxRange,
};

/** Rows per thread below which a single thread is faster than a hand-off. */
const MIN_ROWS_PER_THREAD = 32_768;

export interface LinearObjective {
  (w: Float64Array, grad: Float64Array): number;
  close(): void;
}

/**
 * The objective (mean loss + L2 penalty) and its gradient. With `threads` > 1 and enough rows,
 * passes are split across worker threads; the design matrix and labels must then be backed by
 * SharedArrayBuffers (buildDesignMatrix allocates them so).
 */
export function makeObjective(
  task: LinearTask,
  X: DesignMatrix,
  y: Float64Array,
  classes: number,
  l2: number,
  stats: LossStats,
  threads = 1,
): LinearObjective {
  const { rows, width, values } = X;
  const outputs = outputsOf(task, classes);
  const size = outputs * (width + 1);
  const out = new Float64Array(2 + size);
  const kernel = kernels[task];
  const parallel = threads > 1 && rows >= 2 * MIN_ROWS_PER_THREAD;
  let pool: KernelPool | undefined;
  let wShared: Float64Array | undefined;
  if (parallel) {
    wShared = new Float64Array(new SharedArrayBuffer(size * 8));
    const sharedY =
      y.buffer instanceof SharedArrayBuffer ? y : new Float64Array(new SharedArrayBuffer(y.length * 8));
    if (sharedY !== y) sharedY.set(y);
    pool = new KernelPool({
      threads,
      prelude: [dotRow, addRow, binaryRange, squaredRange, softmaxRange].map((f) => f.toString()).join('\n'),
      invoke: `out.fill(0); ${kernel.name}(shared.values, shared.width, shared.y, shared.w, out, start, end, shared.classes);`,
      shared: { values, width, y: sharedY, w: wShared, classes },
      outLength: out.length,
      minRowsPerThread: MIN_ROWS_PER_THREAD,
    });
  }
  const objective = (w: Float64Array, grad: Float64Array): number => {
    out.fill(0);
    if (pool && wShared) {
      wShared.set(w);
      pool.run(
        0,
        rows,
        0,
        (start, end) => kernel(values, width, y, w, out, start, end, classes),
        (partial) => {
          for (let i = 0; i < out.length; i++) out[i] += partial[i];
        },
      );
    } else {
      kernel(values, width, y, w, out, 0, rows, classes);
    }
    stats.correct = out[1];
    const inv = 1 / Math.max(rows, 1);
    let penalty = 0;
    for (let k = 0; k < outputs; k++) {
      const base = k * (width + 1);
      for (let j = 0; j < width; j++) {
        const v = w[base + j];
        grad[base + j] = out[2 + base + j] * inv + l2 * v;
        penalty += v * v;
      }
      grad[base + width] = out[2 + base + width] * inv;
    }
    return out[0] * inv + 0.5 * l2 * penalty;
  };
  return Object.assign(objective, { close: () => pool?.close() });
}

/** Raw scores (before the link) for every row: rows × outputs. */
export function linearScores(X: DesignMatrix, w: Float64Array, outputs: number): Float64Array {
  const { rows, width, values } = X;
  const stride = width + 1;
  const scores = new Float64Array(rows * outputs);
  for (let i = 0, p = 0; i < rows; i++, p += width) {
    for (let k = 0; k < outputs; k++) {
      const base = k * stride;
      scores[i * outputs + k] = dotRow(values, p, w, base, width, w[base + width]);
    }
  }
  return scores;
}

/** Rows sampled for the Newton optimiser's Hessian. */
export const HESSIAN_SAMPLE_ROWS = 50_000;

/**
 * The Hessian of the binary logistic or squared objective on an evenly spaced sample of at most
 * HESSIAN_SAMPLE_ROWS rows, scaled to the mean, plus the L2 term (biases unpenalised).
 * Parameters are [w_0 … w_(D-1), b], so the matrix is (D + 1) × (D + 1).
 */
export function makeHessian(
  task: 'binary_classifier' | 'regressor',
  X: DesignMatrix,
  l2: number,
): (w: Float64Array, H: Float64Array) => void {
  const { rows, width, values } = X;
  const P = width + 1;
  const stride = Math.max(1, Math.floor(rows / HESSIAN_SAMPLE_ROWS));
  const x = new Float64Array(P);
  x[width] = 1;
  return (w, H) => {
    H.fill(0);
    let count = 0;
    for (let i = 0; i < rows; i += stride) {
      const p = i * width;
      for (let j = 0; j < width; j++) x[j] = values[p + j];
      let s = 1;
      if (task === 'binary_classifier') {
        const prob = 1 / (1 + Math.exp(-dotRow(values, p, w, 0, width, w[width])));
        s = prob * (1 - prob);
      }
      // Lower triangle only; mirrored below.
      for (let a = 0; a < P; a++) {
        const xa = s * x[a];
        const row = a * P;
        for (let b = 0; b <= a; b++) H[row + b] += xa * x[b];
      }
      count++;
    }
    const inv = 1 / Math.max(count, 1);
    for (let a = 0; a < P; a++) {
      for (let b = 0; b <= a; b++) {
        const v = H[a * P + b] * inv;
        H[a * P + b] = v;
        H[b * P + a] = v;
      }
    }
    for (let a = 0; a < width; a++) H[a * P + a] += l2;
  };
}
