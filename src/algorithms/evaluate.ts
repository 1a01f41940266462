/**
 * Scores a trained model on a held-out data set (the `test` channel, as SageMaker's built-in
 * algorithms take it): the same metrics training reports for validation, on rows never seen.
 */
import { invalid } from '../core/errors.ts';
import { type Dataset, selectRows } from './data/dataset.ts';
import { encodeClasses, findLabel, labelledRows, regressionTargets } from './features/label-encoding.ts';
import { classificationMetrics, regressionMetrics } from './metrics.ts';
import type { MetricSet, TrainedModel } from './model.ts';

export function evaluateModel(model: TrainedModel, dataset: Dataset, source = 'test'): MetricSet {
  const { label, classes } = model.metadata;
  const labelColumn = findLabel(dataset, label.name, source);
  const rows = labelledRows(labelColumn);
  if (rows.length === 0) throw invalid(source, `no row has a value in the label column "${label.name}"`);
  const labelled = rows.length === dataset.rowCount ? dataset : selectRows(dataset, rows);
  const column = findLabel(labelled, label.name, source);
  const prediction = model.predict(labelled);
  if (classes) {
    const y = encodeClasses(column, classes, source);
    return classificationMetrics(prediction.probabilities!, classes.length, y);
  }
  return regressionMetrics(prediction.values!, Float64Array.from(regressionTargets(column)));
}
