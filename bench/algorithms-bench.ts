/**
 * Built-in algorithms against their peers, on the same synthetic data in the same run:
 * Slipway's logistic regression vs scikit-learn's LogisticRegression, and Slipway's GBDT vs
 * XGBoost (hist). Reports training-time ratios (ours / peer) and held-out accuracy / AUC.
 *
 * Run: npx tsx bench/algorithms-bench.ts [rows] [threads]
 */
import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readCsv } from '../src/algorithms/data/csv-reader.ts';
import type { Dataset } from '../src/algorithms/data/dataset.ts';
import { columnByName } from '../src/algorithms/data/dataset.ts';
import { encodeClasses } from '../src/algorithms/features/label-encoding.ts';
import { trainGbdt } from '../src/algorithms/gbdt/train-gbdt.ts';
import { trainLinearLearner } from '../src/algorithms/linear/train-linear.ts';
import { accuracy, auc } from '../src/algorithms/metrics.ts';
import type { TrainedModel } from '../src/algorithms/model.ts';
import { writeSyntheticCsv } from './algorithms-data.ts';
import { type PeerResult, runPeers } from './algorithms-peers.ts';

export interface AlgorithmsBenchOptions {
  rows?: number;
  testRows?: number;
  features?: number;
  seed?: number;
  workDir?: string;
  python?: string;
  rounds?: number;
  maxDepth?: number;
  eta?: number;
  /** Threads for every trainer, ours and the peers (default: one per CPU). */
  threads?: number;
  /** Repeats of each linear fit (ours and scikit-learn's); the fastest counts. */
  linearRepeats?: number;
}

export interface OurResult {
  /** Fastest training of the repeats (the one least disturbed by other load on the machine). */
  trainSeconds: number;
  allTrainSeconds: number[];
  accuracy: number;
  auc: number;
}

export interface AlgorithmsBenchResult {
  rows: number;
  features: number;
  cpus: number;
  threads: number;
  loadAverageBefore: number;
  loadAverageAfter: number;
  csvRead: { oursSeconds: number; pandasSeconds: number; ratio: number };
  linear: {
    ours: OurResult;
    sklearn: PeerResult;
    timeRatio: number;
    accuracyPointsDiff: number;
    meetsTarget: boolean;
  };
  gbdt: {
    ours: OurResult;
    xgboost: PeerResult;
    timeRatio: number;
    aucPointsDiff: number;
    meetsTarget: boolean;
  };
}

function score(model: TrainedModel, test: Dataset): { accuracy: number; auc: number } {
  const y = encodeClasses(columnByName(test, 'label')!, model.metadata.classes!, 'test');
  const p = model.predict(test).probabilities!;
  const positive = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) positive[i] = p[2 * i + 1];
  return { accuracy: accuracy(p, 2, y), auc: auc(positive, y) };
}

export async function runAlgorithmsBench(
  options: AlgorithmsBenchOptions = {},
): Promise<AlgorithmsBenchResult> {
  const rows = options.rows ?? 1_000_000;
  const testRows = options.testRows ?? 200_000;
  const features = options.features ?? 20;
  const seed = options.seed ?? 42;
  const workDir = options.workDir ?? 'bench/.work';
  const rounds = options.rounds ?? 100;
  const maxDepth = options.maxDepth ?? 6;
  const eta = options.eta ?? 0.3;
  mkdirSync(workDir, { recursive: true });
  const trainCsv = join(workDir, `algorithms-train-${rows}x${features}-s${seed}.csv`);
  const testCsv = join(workDir, `algorithms-test-${testRows}x${features}-s${seed}.csv`);
  if (!existsSync(trainCsv)) await writeSyntheticCsv(trainCsv, { rows, features, seed });
  if (!existsSync(testCsv)) await writeSyntheticCsv(testCsv, { rows: testRows, features, seed: seed + 1 });
  const loadAverageBefore = loadavg()[0];

  let t = performance.now();
  const train = readCsv(trainCsv).dataset;
  const oursRead = (performance.now() - t) / 1000;
  const test = readCsv(testCsv).dataset;

  // scikit-learn's default C = 1 penalises ½|w|² against the summed loss; on our mean-loss scale
  // that is l2 = 1 / (C · n), so both fit the same objective.
  const c = 1;
  const threads = options.threads ?? availableParallelism();
  const linearRepeats = options.linearRepeats ?? 3;
  const linearTimes: number[] = [];
  let linear: TrainedModel | undefined;
  for (let r = 0; r < linearRepeats; r++) {
    t = performance.now();
    linear = trainLinearLearner({
      train,
      hyperparameters: {
        predictor_type: 'binary_classifier',
        label: 'label',
        l2: String(1 / (c * rows)),
        epochs: '100',
        nthread: String(threads),
      },
    });
    linearTimes.push((performance.now() - t) / 1000);
  }

  t = performance.now();
  const gbdt = trainGbdt({
    train,
    hyperparameters: {
      objective: 'binary:logistic',
      label: 'label',
      num_round: String(rounds),
      max_depth: String(maxDepth),
      eta: String(eta),
      max_bin: '255',
      nthread: String(threads),
    },
  });
  const gbdtSeconds = (performance.now() - t) / 1000;

  const peers = await runPeers({
    python: options.python ?? '/usr/bin/python3',
    trainCsv,
    testCsv,
    c,
    rounds,
    maxDepth,
    eta,
    threads,
    linearRepeats,
  });
  const ours = {
    linear: { trainSeconds: Math.min(...linearTimes), allTrainSeconds: linearTimes, ...score(linear!, test) },
    gbdt: { trainSeconds: gbdtSeconds, allTrainSeconds: [gbdtSeconds], ...score(gbdt, test) },
  };
  const linearRatio = ours.linear.trainSeconds / peers.sklearn.fitSeconds;
  const accuracyDiff = (ours.linear.accuracy - peers.sklearn.accuracy) * 100;
  const gbdtRatio = ours.gbdt.trainSeconds / peers.xgboost.fitSeconds;
  const aucDiff = (ours.gbdt.auc - peers.xgboost.auc) * 100;
  return {
    rows,
    features,
    cpus: availableParallelism(),
    threads,
    loadAverageBefore,
    loadAverageAfter: loadavg()[0],
    csvRead: {
      oursSeconds: oursRead,
      pandasSeconds: peers.sklearn.readSeconds,
      ratio: oursRead / peers.sklearn.readSeconds,
    },
    linear: {
      ours: ours.linear,
      sklearn: peers.sklearn,
      timeRatio: linearRatio,
      accuracyPointsDiff: accuracyDiff,
      meetsTarget: linearRatio <= 1.5 && Math.abs(accuracyDiff) <= 0.5,
    },
    gbdt: {
      ours: ours.gbdt,
      xgboost: peers.xgboost,
      timeRatio: gbdtRatio,
      aucPointsDiff: aucDiff,
      meetsTarget: gbdtRatio <= 3 && aucDiff >= -1,
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = process.argv[2] ? Number(process.argv[2]) : undefined;
  const threads = process.argv[3] ? Number(process.argv[3]) : undefined;
  runAlgorithmsBench({ rows, threads }).then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
