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
 * Area under the ROC curve of `scores` for the positive class (y == 1): the Mann–Whitney statistic
 * with tied scores sharing their average rank.
 */
export function auc(scores: Float64Array, y: Float64Array): number {
  const n = scores.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) {
      if (y[order[t]] === 1) {
        positives++;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
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
