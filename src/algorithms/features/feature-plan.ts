/**
 * What the training data taught about the features: numeric columns with their mean and
 * standard deviation, categorical columns with the categories kept for one-hot encoding. The plan
 * is applied identically by the trainer (design matrix) and by the exported ONNX graph.
 */
import type { Column, Dataset } from '../data/dataset.ts';

export interface NumericFeature {
  name: string;
  /** Mean of the non-missing training values (0 when all are missing). */
  mean: number;
  /** Standard deviation of the non-missing training values (1 when it is 0). */
  std: number;
}

export interface CategoricalFeature {
  name: string;
  /** One-hot columns in this order; values outside the list encode as all zeros. */
  categories: string[];
}

export interface FeaturePlan {
  numeric: NumericFeature[];
  categorical: CategoricalFeature[];
  /** Feature column names in the order of the source data (label excluded). */
  order: string[];
}

/** Width of the encoded feature vector: numeric columns, then one one-hot block per categorical. */
export function encodedWidth(plan: FeaturePlan): number {
  return plan.numeric.length + plan.categorical.reduce((sum, c) => sum + c.categories.length, 0);
}

/** Names of the encoded columns, e.g. `bill_length_mm`, `island=Dream`. */
export function encodedNames(plan: FeaturePlan): string[] {
  return [
    ...plan.numeric.map((f) => f.name),
    ...plan.categorical.flatMap((f) => f.categories.map((c) => `${f.name}=${c}`)),
  ];
}

export function learnFeaturePlan(
  dataset: Dataset,
  options: { exclude: readonly string[]; maxCategories: number },
): FeaturePlan {
  const plan: FeaturePlan = { numeric: [], categorical: [], order: [] };
  for (const column of dataset.columns) {
    if (options.exclude.includes(column.name)) continue;
    plan.order.push(column.name);
    if (column.kind === 'numeric') plan.numeric.push(numericStats(column.name, column.values));
    else
      plan.categorical.push({ name: column.name, categories: topCategories(column, options.maxCategories) });
  }
  return plan;
}

function numericStats(name: string, values: Float64Array): NumericFeature {
  // One pass of shifted sums: subtracting a value from the column (the first non-missing one)
  // keeps the sum-of-squares formula accurate even when the mean is large against the spread.
  let shift = Number.NaN;
  let count = 0;
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    if (count === 0) shift = v;
    const d = v - shift;
    count++;
    sum += d;
    squares += d * d;
  }
  if (count === 0) return { name, mean: 0, std: 1 };
  const mean = shift + sum / count;
  const variance = Math.max(squares / count - (sum / count) ** 2, 0);
  const std = Math.sqrt(variance);
  return { name, mean, std: std > 1e-12 ? std : 1 };
}

/** The most frequent categories (ties by name), sorted by name so the encoding is deterministic. */
function topCategories(column: Extract<Column, { kind: 'categorical' }>, limit: number): string[] {
  const counts = new Float64Array(column.categories.length);
  for (let i = 0; i < column.codes.length; i++) {
    const code = column.codes[i];
    if (code >= 0) counts[code]++;
  }
  const present = column.categories
    .map((name, code) => ({ name, count: counts[code] }))
    .filter((c) => c.count > 0);
  present.sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return present
    .slice(0, limit)
    .map((c) => c.name)
    .sort();
}
