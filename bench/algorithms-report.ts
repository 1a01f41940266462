/** The built-in algorithms against scikit-learn and xgboost, as a RESULTS.md section. */

import { runAlgorithmsBench } from './algorithms-bench.ts';
import type { BenchResult } from './run.ts';
import { fixed } from './stats.ts';

export async function algorithmsSection(): Promise<BenchResult> {
  const r = await runAlgorithmsBench();
  const linear = r.linear;
  const gbdt = r.gbdt;
  return {
    title: 'Built-in algorithms against scikit-learn and xgboost',
    markdown: [
      `${r.rows.toLocaleString('en')} rows × ${r.features} features (synthetic, seed 42), ${r.threads} thread(s) for every trainer; training time only; load average ${fixed(r.loadAverageBefore)} → ${fixed(r.loadAverageAfter)}.`,
      '',
      '| model | ours (s) | peer (s) | time ratio | ours | peer | target |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      `| linear learner vs scikit-learn LogisticRegression | ${fixed(linear.ours.trainSeconds)} | ${fixed(linear.sklearn.fitSeconds)} | ${fixed(linear.timeRatio)}× | accuracy ${fixed(linear.ours.accuracy, 4)} | ${fixed(linear.sklearn.accuracy, 4)} | ≤ 1.5×, within 0.5 points: ${linear.meetsTarget ? 'met' : 'not met'} |`,
      `| GBDT vs xgboost (hist) | ${fixed(gbdt.ours.trainSeconds)} | ${fixed(gbdt.xgboost.fitSeconds)} | ${fixed(gbdt.timeRatio)}× | AUC ${fixed(gbdt.ours.auc, 4)} | ${fixed(gbdt.xgboost.auc, 4)} | ≤ 3×, within 1 point: ${gbdt.meetsTarget ? 'met' : 'not met'} |`,
      '',
      `CSV read: ours ${fixed(r.csvRead.oursSeconds)} s, pandas ${fixed(r.csvRead.pandasSeconds)} s (${fixed(r.csvRead.ratio)}×).`,
    ].join('\n'),
  };
}
