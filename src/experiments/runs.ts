/**
 * Runs: one execution of training code, with its parameters, metric series (in `metric_points`,
 * owner `run/<name>`), tags, notes, artifacts, source, input data and environment. Every write of
 * a batch (metrics, params, tags) is one transaction; the final value of every metric is kept in
 * `run_metrics` on the way in, so search filters and orders on it in SQL.
 */
import type { Readable } from 'node:stream';
import type { Artifacts } from '../artifacts/artifacts.ts';
import { checkKey } from '../artifacts/keys.ts';
import { CoreErrors, invalid } from '../core/errors.ts';
import type { EventBus } from '../core/events.ts';
import { newId } from '../core/ids.ts';
import { validate } from '../core/schema.ts';
import type { Store, Tx } from '../store/store.ts';
import { hashUri } from './content-hash.ts';
import { ExperimentErrors } from './errors.ts';
import type { ExperimentService } from './experiments.ts';
import type { MetricPoint, MetricStore } from './metric-store.ts';
import { describeSource } from './source-info.ts';
import type { RunsTable } from './tables.ts';
import {
  type CreateRun,
  CreateRunSchema,
  type LogBatch,
  LogBatchSchema,
  type MetricPointInput,
  type Run,
  type RunRecordData,
  type RunStatus,
} from './types.ts';

export function runOwner(name: string): string {
  return `run/${name}`;
}

export interface RunDetails extends Run {
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, { value: number; step: number; time: number }>;
}

export interface RunServiceDeps {
  store: Store;
  events: EventBus;
  metrics: MetricStore;
  artifacts: Artifacts;
  experiments: ExperimentService;
}

export class RunService {
  constructor(private readonly deps: RunServiceDeps) {}

  get store() {
    return this.deps.store;
  }

  /** Creates a run (hashing its source and data when given). */
  async create(options: { request: unknown }): Promise<RunDetails> {
    const request = validate(CreateRunSchema, options.request);
    const data = await this.describeInputs(request);
    const name = request.runName ?? `run-${newId().slice(0, 13)}`;
    await this.deps.store.transaction(async (tx) => {
      await this.deps.experiments.ensure(request.experimentName, tx);
      await this.insert({ name, experimentName: request.experimentName, data, tx });
      await this.writeBatch(tx, name, { params: request.params, tags: request.tags }, this.now());
    });
    return this.get(name);
  }

  /** Hashes the source folder and the data URIs a client named, so the run records their content. */
  private async describeInputs(request: CreateRun): Promise<RunRecordData> {
    const data: RunRecordData = {};
    if (request.notes) data.notes = request.notes;
    if (request.environment) data.environment = { ...request.environment };
    if (request.sourceUri) {
      const source = await describeSource(this.deps.artifacts, request.sourceUri, 'sourceUri');
      if (!source) throw invalid('sourceUri', `${request.sourceUri} does not exist`);
      data.source = source;
    }
    if (request.inputData) {
      data.inputData = [];
      for (const [index, input] of request.inputData.entries()) {
        let sha256 = input.sha256;
        if (!sha256) {
          const hashed = await hashUri(this.deps.artifacts, input.uri, { field: `inputData[${index}].uri` });
          if (!hashed) throw invalid(`inputData[${index}].uri`, `${input.uri} does not exist`);
          sha256 = hashed.sha256;
        }
        data.inputData.push({ name: input.name, uri: input.uri, sha256 });
      }
    }
    return data;
  }

  /**
   * Creates the run, or joins it when it exists in the same experiment: a training job names the
   * run it belongs to, and several jobs (or a job and the user's own logging) may share one.
   */
  async startOrJoin(options: {
    experimentName: string;
    runName: string;
    trainingJobName?: string;
    params?: Record<string, string>;
    tags?: Record<string, string>;
    data: RunRecordData;
  }): Promise<Run> {
    const now = this.now();
    await this.deps.store.transaction(async (tx) => {
      await this.deps.experiments.ensure(options.experimentName, tx);
      const existing = await this.find(options.runName, tx);
      if (existing) {
        if (existing.experimentName !== options.experimentName) {
          throw ExperimentErrors.otherExperiment({
            run: options.runName,
            actual: existing.experimentName,
            experiment: options.experimentName,
          });
        }
        await tx.executor
          .updateTable('runs')
          .set({
            status: 'Running',
            training_job: options.trainingJobName ?? existing.trainingJobName ?? null,
            end_time: null,
            updated_at: now,
            record: JSON.stringify({ ...existing.data, ...options.data }),
          })
          .where('name', '=', options.runName)
          .execute();
      } else {
        await this.insert({
          name: options.runName,
          experimentName: options.experimentName,
          trainingJobName: options.trainingJobName,
          data: options.data,
          tx,
        });
      }
      await this.writeBatch(tx, options.runName, { params: options.params, tags: options.tags }, now);
    });
    return (await this.find(options.runName))!;
  }

  private async insert(options: {
    name: string;
    experimentName: string;
    trainingJobName?: string;
    data: RunRecordData;
    tx: Tx;
  }): Promise<void> {
    const now = this.now();
    const row: RunsTable = {
      name: options.name,
      experiment: options.experimentName,
      status: 'Running',
      training_job: options.trainingJobName ?? null,
      start_time: now,
      end_time: null,
      created_at: now,
      updated_at: now,
      record: JSON.stringify(options.data),
    };
    const inserted = await options.tx.executor
      .insertInto('runs')
      .values(row)
      .onConflict((conflict) => conflict.column('name').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
      throw CoreErrors.alreadyExists({ kind: 'run', name: options.name });
    }
    await this.deps.events.publish({
      resource: runOwner(options.name),
      type: 'run.created',
      detail: { experimentName: options.experimentName, trainingJobName: options.trainingJobName },
      tx: options.tx,
    });
  }

  async find(name: string, tx?: Tx): Promise<Run | undefined> {
    const row = await this.deps.store
      .executor(tx)
      .selectFrom('runs')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return row ? toRun(row) : undefined;
  }

  async require(name: string): Promise<Run> {
    const run = await this.find(name);
    if (!run) throw CoreErrors.notFound({ kind: 'run', name });
    return run;
  }

  async get(name: string): Promise<RunDetails> {
    const [details] = await this.withDetails([await this.require(name)]);
    return details!;
  }

  /** The run a training job created or joined. */
  async findByTrainingJob(trainingJobName: string): Promise<Run | undefined> {
    const row = await this.deps.store.db
      .selectFrom('runs')
      .selectAll()
      .where('training_job', '=', trainingJobName)
      .orderBy('updated_at', 'desc')
      .executeTakeFirst();
    return row ? toRun(row) : undefined;
  }

  /** Params, tags and final metrics of several runs, three queries in all. */
  async withDetails(runs: Run[]): Promise<RunDetails[]> {
    if (runs.length === 0) return [];
    const names = runs.map((run) => run.runName);
    const db = this.deps.store.db;
    const [params, tags, metrics] = await Promise.all([
      db.selectFrom('run_params').selectAll().where('run', 'in', names).orderBy('key').execute(),
      db.selectFrom('run_tags').selectAll().where('run', 'in', names).orderBy('key').execute(),
      db.selectFrom('run_metrics').selectAll().where('run', 'in', names).orderBy('name').execute(),
    ]);
    const byRun = new Map<string, RunDetails>(
      runs.map((run) => [run.runName, { ...run, params: {}, tags: {}, metrics: {} }]),
    );
    for (const row of params) byRun.get(row.run)!.params[row.key] = row.value;
    for (const row of tags) byRun.get(row.run)!.tags[row.key] = row.value;
    for (const row of metrics) {
      byRun.get(row.run)!.metrics[row.name] = {
        value: Number(row.value),
        step: Number(row.step),
        time: Number(row.time),
      };
    }
    return names.map((name) => byRun.get(name)!);
  }

  /** Validates, then logs (for callers that did not validate: the SDK in-process, workflows). */
  log(options: { run: string; batch: unknown }): Promise<{ metrics: number }> {
    return this.logBatch({ run: options.run, batch: validate(LogBatchSchema, options.batch) });
  }

  /** Metrics, params and tags in one transaction. The batch was validated (by the route's schema). */
  async logBatch(options: { run: string; batch: LogBatch }): Promise<{ metrics: number }> {
    const now = this.now();
    await this.deps.store.transaction(async (tx) => {
      // One statement both checks the run is Running and stamps it; the reason is looked up only on refusal.
      const touched = await tx.executor
        .updateTable('runs')
        .set({ updated_at: now })
        .where('name', '=', options.run)
        .where('status', '=', 'Running')
        .executeTakeFirst();
      if (Number(touched.numUpdatedRows) === 0) {
        const run = await this.find(options.run, tx);
        if (!run) throw CoreErrors.notFound({ kind: 'run', name: options.run });
        throw ExperimentErrors.runEnded({ run: options.run, status: run.status });
      }
      await this.writeBatch(tx, options.run, options.batch, now);
    });
    return { metrics: options.batch.metrics?.length ?? 0 };
  }

  /** Points parsed from a training job's log, streamed into its run (already well-formed). */
  async logPoints(run: string, points: MetricPoint[]): Promise<void> {
    if (points.length === 0) return;
    await this.deps.store.transaction(async (tx) => {
      await this.deps.metrics.logBatch(runOwner(run), points, { tx });
      await this.upsertLatest(tx, run, points);
    });
  }

  private async writeBatch(tx: Tx, run: string, batch: LogBatch, now: number): Promise<void> {
    if (batch.metrics?.length) {
      const points = batch.metrics.map((point, index) => toPoint(point, index, now));
      await this.deps.metrics.logBatch(runOwner(run), points, { tx });
      await this.upsertLatest(tx, run, points);
    }
    if (batch.params && Object.keys(batch.params).length) await this.writeParams(tx, run, batch.params);
    if (batch.tags && Object.keys(batch.tags).length) {
      await tx.executor
        .insertInto('run_tags')
        .values(Object.entries(batch.tags).map(([key, value]) => ({ run, key, value })))
        .onConflict((conflict) =>
          conflict.columns(['run', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })),
        )
        .execute();
    }
  }

  /** Parameters are logged once: the same value again is fine, a different one is a conflict. */
  private async writeParams(tx: Tx, run: string, params: Record<string, string>): Promise<void> {
    const keys = Object.keys(params);
    const existing = await tx.executor
      .selectFrom('run_params')
      .select(['key', 'value'])
      .where('run', '=', run)
      .where('key', 'in', keys)
      .execute();
    const known = new Map(existing.map((row) => [row.key, row.value]));
    for (const [key, value] of Object.entries(params)) {
      const old = known.get(key);
      if (old !== undefined && old !== value) throw ExperimentErrors.paramChanged({ run, key, old, value });
    }
    const fresh = keys.filter((key) => !known.has(key));
    if (fresh.length === 0) return;
    await tx.executor
      .insertInto('run_params')
      .values(fresh.map((key) => ({ run, key, value: params[key]! })))
      .execute();
  }

  /** One upsert row per metric: the batch's highest step, kept only if not behind what is stored. */
  private async upsertLatest(tx: Tx, run: string, points: MetricPoint[]): Promise<void> {
    const latest = new Map<string, MetricPoint>();
    for (const point of points) {
      const known = latest.get(point.name);
      if (!known || point.step >= known.step) latest.set(point.name, point);
    }
    const rows = [...latest.values()].map((p) => ({
      run,
      name: p.name,
      value: p.value,
      step: p.step,
      time: p.time,
    }));
    for (let start = 0; start < rows.length; start += 500) {
      await tx.executor
        .insertInto('run_metrics')
        .values(rows.slice(start, start + 500))
        .onConflict((conflict) =>
          conflict
            .columns(['run', 'name'])
            .doUpdateSet((eb) => ({
              value: eb.ref('excluded.value'),
              step: eb.ref('excluded.step'),
              time: eb.ref('excluded.time'),
            }))
            .where((eb) => eb('run_metrics.step', '<=', eb.ref('excluded.step'))),
        )
        .execute();
    }
  }

  async update(options: { run: string; notes?: string }): Promise<RunDetails> {
    const run = await this.require(options.run);
    if (options.notes !== undefined) await this.writeData(run.runName, { ...run.data, notes: options.notes });
    return this.get(options.run);
  }

  /** Merges into the run's record JSON (read-modify-write inside one transaction). */
  async writeData(run: string, data: RunRecordData, tx?: Tx): Promise<void> {
    await this.deps.store
      .executor(tx)
      .updateTable('runs')
      .set({ record: JSON.stringify(data), updated_at: this.now() })
      .where('name', '=', run)
      .execute();
  }

  async patchData(run: string, change: (data: RunRecordData) => RunRecordData): Promise<void> {
    await this.deps.store.transaction(async (tx) => {
      const current = await this.find(run, tx);
      if (!current) throw CoreErrors.notFound({ kind: 'run', name: run });
      await this.writeData(run, change(current.data), tx);
    });
  }

  async end(options: { run: string; status?: RunStatus; failureReason?: string }): Promise<RunDetails> {
    const status = options.status ?? 'Completed';
    if (status === 'Running') throw invalid('status', 'an ended run is Completed, Failed or Stopped');
    const now = this.now();
    await this.deps.store.transaction(async (tx) => {
      const run = await this.find(options.run, tx);
      if (!run) throw CoreErrors.notFound({ kind: 'run', name: options.run });
      const data = options.failureReason ? { ...run.data, failureReason: options.failureReason } : run.data;
      await tx.executor
        .updateTable('runs')
        .set({ status, end_time: now, updated_at: now, record: JSON.stringify(data) })
        .where('name', '=', options.run)
        .execute();
      await this.deps.events.publish({
        resource: runOwner(options.run),
        type: `run.${status.toLowerCase()}`,
        detail: { experimentName: run.experimentName, durationMs: now - run.startTime },
        tx,
      });
    });
    return this.get(options.run);
  }

  /** Stores a file under the run's artifact folder and records it (a second upload replaces it). */
  async addArtifact(options: { run: string; path: string; body: Readable | Buffer }) {
    checkKey(options.path, 'path');
    const run = await this.require(options.run);
    if (run.status !== 'Running') throw ExperimentErrors.runEnded({ run: run.runName, status: run.status });
    const stored = await this.deps.artifacts.defaultStore.put(
      `runs/${run.runName}/artifacts/${options.path}`,
      options.body,
    );
    const artifact = { path: options.path, uri: stored.uri, sha256: stored.sha256, size: stored.size };
    await this.patchData(run.runName, (data) => ({
      ...data,
      artifacts: [...(data.artifacts ?? []).filter((a) => a.path !== options.path), artifact],
    }));
    return artifact;
  }

  series(run: string, metric: string) {
    return this.deps.metrics.series(runOwner(run), metric);
  }

  metricNames(run: string) {
    return this.deps.metrics.names(runOwner(run));
  }

  private now(): number {
    return this.deps.store.clock.now();
  }
}

function toPoint(point: MetricPointInput, index: number, now: number): MetricPoint {
  let time = now;
  if (typeof point.timestamp === 'number') time = point.timestamp;
  else if (typeof point.timestamp === 'string') {
    time = Date.parse(point.timestamp);
    if (Number.isNaN(time))
      throw invalid(`metrics[${index}].timestamp`, 'is not epoch milliseconds nor ISO-8601');
  }
  return { name: point.name, value: point.value, step: point.step ?? 0, time };
}

export function toRun(row: RunsTable): Run {
  return {
    runName: row.name,
    experimentName: row.experiment,
    status: row.status as RunStatus,
    trainingJobName: row.training_job ?? undefined,
    startTime: Number(row.start_time),
    endTime: row.end_time == null ? undefined : Number(row.end_time),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    data: JSON.parse(row.record) as RunRecordData,
  };
}
