/**
 * Boosting objectives: gradients and hessians of the loss with respect to the raw scores, the
 * starting score, and the link from raw scores to probabilities.
 */

/**
 * Gradient functions share one signature so any of them can run on a share of the rows in a
 * worker thread (they are self-contained for that: see LevelPool): they write the gradient and
 * hessian of rows [start, end) into ghs (one array per output, [g, h] per row) and return the
 * summed loss over those rows (log loss, or squared error for regression), computed in the same
 * pass so per-round training metrics cost almost nothing; `withLoss` false skips the logarithms
 * when nobody reads the metric (0 is returned then).
 */
export type GradientFunction = (
  raw: Float64Array,
  y: Float64Array,
  ghs: Float64Array[],
  outputs: number,
  start: number,
  end: number,
  withLoss: boolean,
) => number;

/** Binary log loss on raw log-odds. */
export function logisticGradients(
  raw: Float64Array,
  y: Float64Array,
  ghs: Float64Array[],
  _outputs: number,
  start: number,
  end: number,
  withLoss: boolean,
): number {
  const gh = ghs[0];
  let loss = 0;
  for (let i = start; i < end; i++) {
    const z = raw[i];
    const e = Math.exp(-Math.abs(z));
    const p = z >= 0 ? 1 / (1 + e) : e / (1 + e);
    if (withLoss) loss += Math.max(z, 0) + Math.log1p(e) - y[i] * z;
    gh[2 * i] = p - y[i];
    gh[2 * i + 1] = Math.max(p * (1 - p), 1e-16);
  }
  return loss;
}

/** Squared error: gradient is the residual, hessian 1. */
export function squaredGradients(
  raw: Float64Array,
  y: Float64Array,
  ghs: Float64Array[],
  _outputs: number,
  start: number,
  end: number,
): number {
  const gh = ghs[0];
  let loss = 0;
  for (let i = start; i < end; i++) {
    const r = raw[i] - y[i];
    loss += r * r;
    gh[2 * i] = r;
    gh[2 * i + 1] = 1;
  }
  return loss;
}

/** Softmax log loss: raw is rows × classes; writes every class's gradient pairs (ghs[k]). */
export function softmaxGradients(
  raw: Float64Array,
  y: Float64Array,
  ghs: Float64Array[],
  classes: number,
  start: number,
  end: number,
): number {
  const p = new Float64Array(classes);
  let loss = 0;
  for (let i = start; i < end; i++) {
    const base = i * classes;
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < classes; k++) max = Math.max(max, raw[base + k]);
    let sum = 0;
    for (let k = 0; k < classes; k++) {
      p[k] = Math.exp(raw[base + k] - max);
      sum += p[k];
    }
    loss += Math.log(sum) - (raw[base + y[i]] - max);
    for (let k = 0; k < classes; k++) {
      const q = p[k] / sum;
      ghs[k][2 * i] = q - (y[i] === k ? 1 : 0);
      ghs[k][2 * i + 1] = Math.max(q * (1 - q), 1e-16);
    }
  }
  return loss;
}

/** Raw scores to class probabilities (rows × classes): logistic for one output, softmax otherwise. */
export function probabilities(raw: Float64Array, outputs: number): Float64Array {
  if (outputs === 1) {
    const out = new Float64Array(raw.length * 2);
    for (let i = 0; i < raw.length; i++) {
      const p = 1 / (1 + Math.exp(-raw[i]));
      out[2 * i] = 1 - p;
      out[2 * i + 1] = p;
    }
    return out;
  }
  const rows = raw.length / outputs;
  const out = new Float64Array(raw.length);
  for (let i = 0; i < rows; i++) {
    const base = i * outputs;
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < outputs; k++) max = Math.max(max, raw[base + k]);
    let sum = 0;
    for (let k = 0; k < outputs; k++) {
      out[base + k] = Math.exp(raw[base + k] - max);
      sum += out[base + k];
    }
    for (let k = 0; k < outputs; k++) out[base + k] /= sum;
  }
  return out;
}
