/**
 * Tables of experiment tracking and lineage (migration 004), as Kysely sees them. Runs get their
 * own tables rather than resource rows: they are searched by their parameters, tags and final
 * metrics, which must be SQL columns to filter and order on. Times are epoch milliseconds.
 */
import type { LineageTables } from '../lineage/tables.ts';

export interface RunsTable {
  name: string;
  experiment: string;
  /** Running, Completed, Failed, Stopped. */
  status: string;
  /** The training job this run tracks, when a job created or joined it. */
  training_job: string | null;
  start_time: number;
  end_time: number | null;
  created_at: number;
  updated_at: number;
  /** JSON: source, input data, environment, notes, artifacts, the job spec to reproduce it. */
  record: string;
}

export interface RunParamsTable {
  run: string;
  key: string;
  value: string;
}

export interface RunTagsTable {
  run: string;
  key: string;
  value: string;
}

/** The last point (highest step) of every metric of a run, kept on write so search is one lookup. */
export interface RunMetricsTable {
  run: string;
  name: string;
  value: number;
  step: number;
  time: number;
}

export interface ExperimentTables extends LineageTables {
  runs: RunsTable;
  run_params: RunParamsTable;
  run_tags: RunTagsTable;
  run_metrics: RunMetricsTable;
}
