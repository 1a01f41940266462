/**
 * Boosting objectives: gradients and hessians of the loss with respect to the raw scores, the
 * starting score, and the link from raw scores to probabilities.
 */

/**
 * Each gradient function also returns the mean loss at `raw` (log loss, or squared error for
 * regression), computed in the same pass so per-round training metrics cost almost nothing;
 * `withLoss` false skips the logarithms when nobody reads the metric (NaN is returned then).
 */

/** Binary log loss on raw log-odds. */
export function logisticGradients(
  raw: Float64Array,
  y: Float64Array,
  gh: Float64Array,
  withLoss = true,
): number {
  let loss = 0;
  for (let i = 0; i < y.length; i++) {
    const z = raw[i];
    const e = Math.exp(-Math.abs(z));
    const p = z >= 0 ? 1 / (1 + e) : e / (1 + e);
    if (withLoss) loss += Math.max(z, 0) + Math.log1p(e) - y[i] * z;
    gh[2 * i] = p - y[i];
    gh[2 * i + 1] = Math.max(p * (1 - p), 1e-16);
  }
  return withLoss ? loss / Math.max(y.length, 1) : Number.NaN;
}

/** Squared error: gradient is the residual, hessian 1; returns the mean squared error. */
export function squaredGradients(raw: Float64Array, y: Float64Array, gh: Float64Array): number {
  let loss = 0;
  for (let i = 0; i < y.length; i++) {
    const r = raw[i] - y[i];
    loss += r * r;
    gh[2 * i] = r;
    gh[2 * i + 1] = 1;
  }
  return loss / Math.max(y.length, 1);
}

/** Softmax log loss: raw is rows × classes; writes every class's gradient pairs (ghs[k]). */
export function softmaxGradients(
  raw: Float64Array,
  y: Float64Array,
  classes: number,
  ghs: Float64Array[],
): number {
  const p = new Float64Array(classes);
  let loss = 0;
  for (let i = 0; i < y.length; i++) {
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
  return loss / Math.max(y.length, 1);
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
