/**
 * The peer side of the algorithms benchmark: scikit-learn's LogisticRegression and XGBoost, run by
 * Debian's /usr/bin/python3 on the same CSV files, timing only `fit` (as the Slipway side times
 * only training), and scoring on the same held-out file.
 */
import { spawn } from 'node:child_process';

export interface PeerResult {
  /** Fastest fit of the repeats (the one least disturbed by other load on the machine). */
  fitSeconds: number;
  allFitSeconds: number[];
  readSeconds: number;
  accuracy: number;
  auc: number;
}

export interface PeerOptions {
  python: string;
  trainCsv: string;
  testCsv: string;
  /** LogisticRegression's C. */
  c: number;
  rounds: number;
  maxDepth: number;
  eta: number;
  threads: number;
  linearRepeats: number;
}

const SCRIPT = `
import json, sys, time
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
import xgboost as xgb

opts = json.loads(sys.argv[1])
t = time.perf_counter()
train = pd.read_csv(opts["train"])
read_seconds = time.perf_counter() - t
test = pd.read_csv(opts["test"])
X, y = train.iloc[:, 1:].to_numpy(), train.iloc[:, 0].to_numpy()
Xt, yt = test.iloc[:, 1:].to_numpy(), test.iloc[:, 0].to_numpy()

def score(model):
    p = model.predict_proba(Xt)[:, 1]
    return accuracy_score(yt, (p > 0.5).astype(int)), roc_auc_score(yt, p)

out = {}
fits = []
for _ in range(opts["linear_repeats"]):
    t = time.perf_counter()
    lr = LogisticRegression(C=opts["c"], max_iter=100).fit(X, y)
    fits.append(time.perf_counter() - t)
acc, auc = score(lr)
out["sklearn"] = {"fitSeconds": min(fits), "allFitSeconds": fits, "readSeconds": read_seconds, "accuracy": acc, "auc": auc}

t = time.perf_counter()
booster = xgb.XGBClassifier(
    n_estimators=opts["rounds"], max_depth=opts["max_depth"], learning_rate=opts["eta"],
    tree_method="hist", max_bin=256, n_jobs=opts["threads"], objective="binary:logistic",
).fit(X, y)
fit = time.perf_counter() - t
acc, auc = score(booster)
out["xgboost"] = {"fitSeconds": fit, "allFitSeconds": [fit], "readSeconds": read_seconds, "accuracy": acc, "auc": auc}
print(json.dumps(out))
`;

export async function runPeers(options: PeerOptions): Promise<{ sklearn: PeerResult; xgboost: PeerResult }> {
  const args = JSON.stringify({
    train: options.trainCsv,
    test: options.testCsv,
    c: options.c,
    rounds: options.rounds,
    max_depth: options.maxDepth,
    eta: options.eta,
    threads: options.threads,
    linear_repeats: options.linearRepeats,
  });
  // BLAS (scikit-learn) and OpenMP (XGBoost) thread pools follow the same thread budget as ours.
  const threadEnv = {
    OMP_NUM_THREADS: String(options.threads),
    OPENBLAS_NUM_THREADS: String(options.threads),
    MKL_NUM_THREADS: String(options.threads),
  };
  const child = spawn(options.python, ['-c', SCRIPT, args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...threadEnv },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`peer benchmark failed (exit ${code}): ${stderr.slice(-2000)}`);
  return JSON.parse(stdout.trim().split('\n').pop()!);
}
