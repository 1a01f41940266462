/**
 * Shared preparation of a supervised training run: find the label, drop unlabelled rows, learn the
 * classes and the feature plan from the training data, and encode the validation labels the same way.
 */
import { invalid } from '../core/errors.ts';
import { type Dataset, selectRows } from './data/dataset.ts';
import { encodedWidth, type FeaturePlan, learnFeaturePlan } from './features/feature-plan.ts';
import {
  type ClassLabel,
  encodeClasses,
  findLabel,
  labelledRows,
  learnClasses,
  regressionTargets,
} from './features/label-encoding.ts';
import type { FeatureDescription, ModelMetadata, Task } from './model.ts';

export interface LabelledData {
  dataset: Dataset;
  y: Float64Array;
}

export interface SupervisedData {
  task: Task;
  labelName: string;
  labelType: ModelMetadata['label']['type'];
  classes?: ClassLabel[];
  plan: FeaturePlan;
  train: LabelledData;
  validation?: LabelledData;
}

export function prepareSupervised(options: {
  train: Dataset;
  validation?: Dataset;
  label?: string;
  task: Task;
  maxCategories: number;
  numClasses?: number;
}): SupervisedData {
  const { task } = options;
  const labelColumn = findLabel(options.train, options.label, 'train');
  const labelName = labelColumn.name;
  const train = selectLabelled(options.train, labelName);
  if (train.rowCount === 0) throw invalid('train', `no row has a value in the label column "${labelName}"`);
  const plan = learnFeaturePlan(train, { exclude: [labelName], maxCategories: options.maxCategories });
  if (plan.order.length === 0) throw invalid('train', 'there are no feature columns besides the label');
  if (encodedWidth(plan) === 0) throw invalid('train', 'every feature column is empty (all values missing)');

  let classes: ClassLabel[] | undefined;
  if (task !== 'regressor') {
    classes = learnClasses(findLabel(train, labelName, 'train'));
    if (task === 'binary_classifier' && classes.length !== 2) {
      throw invalid(
        'hyperparameters.predictor_type',
        `binary_classifier needs exactly 2 label values, the data has ${classes.length} (${classes.slice(0, 10).join(', ')})`,
      );
    }
    if (task === 'multiclass_classifier' && classes.length < 2) {
      throw invalid(
        'hyperparameters.predictor_type',
        `multiclass_classifier needs at least 2 label values, found ${classes.length}`,
      );
    }
    if (options.numClasses !== undefined && options.numClasses !== classes.length) {
      throw invalid(
        'hyperparameters.num_classes',
        `is ${options.numClasses} but the data has ${classes.length} classes`,
      );
    }
  }
  const encode = (dataset: Dataset, source: string): LabelledData => {
    const label = findLabel(dataset, labelName, source);
    const y = classes ? encodeClasses(label, classes, source) : Float64Array.from(regressionTargets(label));
    return { dataset, y };
  };
  let validation: LabelledData | undefined;
  if (options.validation) {
    if (!options.validation.columns.some((c) => c.name === labelName)) {
      throw invalid('validation', `has no label column "${labelName}"`);
    }
    const labelled = selectLabelled(options.validation, labelName);
    if (labelled.rowCount > 0) validation = encode(labelled, 'validation');
  }
  const labelType = classes ? (typeof classes[0] === 'number' ? 'int64' : 'string') : 'float32';
  return { task, labelName, labelType, classes, plan, train: encode(train, 'train'), validation };
}

function selectLabelled(dataset: Dataset, labelName: string): Dataset {
  const label = dataset.columns.find((c) => c.name === labelName)!;
  const rows = labelledRows(label);
  return rows.length === dataset.rowCount ? dataset : selectRows(dataset, rows);
}

export function describeFeatures(plan: FeaturePlan, withStats: boolean): FeatureDescription[] {
  return plan.order.map((name) => {
    const numeric = plan.numeric.find((f) => f.name === name);
    if (numeric)
      return withStats
        ? { name, type: 'numeric', mean: numeric.mean, std: numeric.std }
        : { name, type: 'numeric' };
    const categorical = plan.categorical.find((f) => f.name === name)!;
    return { name, type: 'categorical', categories: categorical.categories };
  });
}
