/**
 * Turns the label column into what learners need: class indices for classification (classes
 * sorted, so "0"/"1" and "female"/"male" map the way users expect) or numbers for regression.
 */
import { invalid } from '../../core/errors.ts';
import type { Column, Dataset } from '../data/dataset.ts';

export type ClassLabel = string | number;

export interface ClassificationLabels {
  /** Class values; numbers when the label column is numeric (ONNX int64 labels), else strings. */
  classes: ClassLabel[];
  /** Class index per row. */
  y: Float64Array;
}

/** Rows whose label is present: learners train only on those. */
export function labelledRows(label: Column): Int32Array {
  const n = label.kind === 'numeric' ? label.values.length : label.codes.length;
  const isMissing = (i: number) =>
    label.kind === 'numeric' ? Number.isNaN(label.values[i]) : label.codes[i] < 0;
  let present = 0;
  for (let i = 0; i < n; i++) if (!isMissing(i)) present++;
  const rows = new Int32Array(present);
  for (let i = 0, r = 0; i < n; i++) if (!isMissing(i)) rows[r++] = i;
  return rows;
}

export function learnClasses(label: Column): ClassLabel[] {
  if (label.kind === 'numeric') {
    const seen = new Set<number>();
    const values = label.values;
    // The previous value short-cuts the set lookup: labels repeat a lot.
    let last = Number.NaN;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === last || Number.isNaN(v)) continue;
      if (!Number.isInteger(v)) {
        throw invalid(`data.${label.name}`, `a classification label must be an integer or text, found ${v}`);
      }
      seen.add(v);
      last = v;
    }
    return [...seen].sort((a, b) => a - b);
  }
  const present = new Set<number>();
  for (const code of label.codes) if (code >= 0) present.add(code);
  return [...present].map((code) => label.categories[code]).sort();
}

/** Class indices for `label`; a class not in `classes` is an error naming it. */
export function encodeClasses(label: Column, classes: readonly ClassLabel[], source: string): Float64Array {
  const n = label.kind === 'numeric' ? label.values.length : label.codes.length;
  const y = new Float64Array(n);
  const index = new Map<string | number, number>(classes.map((c, k) => [c, k]));
  const fail = (i: number, value: unknown) =>
    invalid(`${source}.${label.name}`, `label "${value}" at row ${i + 1} is not a class seen in training`);
  if (label.kind === 'numeric') {
    // Numeric keys: no string conversion per row (this runs over every training row).
    const numericIndex = new Map<number, number>();
    for (const [c, k] of index) numericIndex.set(typeof c === 'number' ? c : Number(c), k);
    for (let i = 0; i < n; i++) {
      const k = numericIndex.get(label.values[i]);
      if (k === undefined) throw fail(i, label.values[i]);
      y[i] = k;
    }
    return y;
  }
  const translate = Int32Array.from(
    label.categories,
    (c) => index.get(typeof classes[0] === 'number' ? Number(c) : c) ?? -1,
  );
  for (let i = 0; i < n; i++) {
    const code = label.codes[i];
    const k = code < 0 ? -1 : translate[code];
    if (k < 0) throw fail(i, code < 0 ? '' : label.categories[code]);
    y[i] = k;
  }
  return y;
}

export function regressionTargets(label: Column): Float64Array {
  if (label.kind !== 'numeric') throw invalid(`data.${label.name}`, 'a regression label must be numeric');
  return label.values;
}

/** The label column by name, or the first column (SageMaker's convention) when no name is given. */
export function findLabel(dataset: Dataset, name: string | undefined, source: string): Column {
  if (name === undefined) {
    if (dataset.columns.length < 2)
      throw invalid(`${source}`, 'needs a label column and at least one feature');
    return dataset.columns[0];
  }
  const column = dataset.columns.find((c) => c.name === name);
  if (!column) {
    throw invalid(
      'hyperparameters.label',
      `column "${name}" is not in the data (columns: ${dataset.columns.map((c) => c.name).join(', ')})`,
    );
  }
  return column;
}
