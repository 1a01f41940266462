/** Evaluation metrics reported by the built-in algorithms, computed on typed arrays. */

/** Fraction of rows whose highest-probability class is the true class. */
export function accuracy(probabilities: Float64Array, classes: number, y: Float64Array): number {
  const n = y.length;
  if (n === 0) return Number.NaN;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    const p = i * classes;
    for (let k = 1; k < classes; k++) if (probabilities[p + k] > probabilities[p + best]) best = k;
    if (best === y[i]) correct++;
  }
  return correct / n;
}

/** Mean negative log-likelihood of the true class (probabilities clipped away from 0). */
export function logLoss(probabilities: Float64Array, classes: number, y: Float64Array): number {
  const n = y.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum -= Math.log(Math.max(probabilities[i * classes + y[i]], 1e-15));
  return sum / n;
}

/**
 * Area under the ROC curve of `scores` for the positive class (y == 1): the probability that a
 * random positive scores above a random negative, ties counting one half. Positives and negatives
 * are sorted separately with the native numeric sort (no comparator callback, which matters at a
 * million rows) and then swept together.
 */
export function auc(scores: Float64Array, y: Float64Array): number {
  let positives = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === 1) positives++;
  const negatives = y.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  const pos = new Float64Array(positives);
  const neg = new Float64Array(negatives);
  for (let i = 0, a = 0, b = 0; i < y.length; i++) {
    if (y[i] === 1) pos[a++] = scores[i];
    else neg[b++] = scores[i];
  }
  pos.sort();
  neg.sort();
  // For each positive: negatives strictly below count 1, equal ones count 1/2.
  let below = 0;
  let upTo = 0;
  let wins = 0;
  for (let i = 0; i < positives; i++) {
    const s = pos[i];
    while (below < negatives && neg[below] < s) below++;
    if (upTo < below) upTo = below;
    while (upTo < negatives && neg[upTo] <= s) upTo++;
    wins += below + (upTo - below) / 2;
  }
  return wins / (positives * negatives);
}

export function regressionMetrics(predictions: Float64Array, y: Float64Array): Record<string, number> {
  const n = y.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  let sse = 0;
  let sst = 0;
  let sae = 0;
  for (let i = 0; i < n; i++) {
    const r = predictions[i] - y[i];
    sse += r * r;
    sae += Math.abs(r);
    sst += (y[i] - mean) * (y[i] - mean);
  }
  return { mse: sse / n, rmse: Math.sqrt(sse / n), mae: sae / n, r2: sst > 0 ? 1 - sse / sst : Number.NaN };
}

/** Classification metrics for a probability matrix: accuracy, log loss, and AUC when binary. */
export function classificationMetrics(
  probabilities: Float64Array,
  classes: number,
  y: Float64Array,
): Record<string, number> {
  const out: Record<string, number> = {
    accuracy: accuracy(probabilities, classes, y),
    log_loss: logLoss(probabilities, classes, y),
  };
  if (classes === 2) {
    const positive = new Float64Array(y.length);
    for (let i = 0; i < y.length; i++) positive[i] = probabilities[i * 2 + 1];
    out.auc = auc(positive, y);
  }
  return out;
}

/**
 * Binary metrics straight from log-odds scores (class 1 when z > 0), without materialising a
 * probability matrix: the same values classificationMetrics gives for [1 - σ(z), σ(z)].
 */
export function binaryMetricsFromScores(scores: Float64Array, y: Float64Array): Record<string, number> {
  const n = y.length;
  let correct = 0;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const z = scores[i];
    const p = 1 / (1 + Math.exp(-z));
    if ((z > 0 ? 1 : 0) === y[i]) correct++;
    loss -= Math.log(Math.max(y[i] === 1 ? p : 1 - p, 1e-15));
  }
  return { accuracy: correct / n, log_loss: loss / n, auc: auc(scores, y) };
}

/** Every metric name classificationMetrics and regressionMetrics can report. */
export const reportedMetrics = ['accuracy', 'log_loss', 'auc', 'mse', 'rmse', 'mae', 'r2'] as const;
