/**
 * The training controller: claims InProgress jobs through store leases and runs them through a
 * Runtime: Starting → Downloading → Training → Uploading → Completed (or Failed / Stopped /
 * MaxRuntimeExceeded). A job this replica does not run but that was launched before (by a Slipway
 * that died) is re-attached when the runtime can, and otherwise ended as Failed with the reason,
 * so nothing stays InProgress forever.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Artifacts } from '../artifacts/artifacts.ts';
import { packDirectory, unpackTo } from '../artifacts/tarball.ts';
import type { EventBus } from '../core/events.ts';
import type { Logger } from '../core/logging.ts';
import { isDeadLocalOwner } from '../core/replica.ts';
import type { MetricStore } from '../experiments/metric-store.ts';
import type { TrainingJobHooks } from '../experiments/training-tracker.ts';
import type { GpuAllocator } from '../runtime/gpus.ts';
import type { RunExit, RunHandle, RunSpec, Runtime } from '../runtime/runtime.ts';
import type { Store, Tx } from '../store/store.ts';
import type { BuiltinAlgorithms } from './builtins.ts';
import { resolveCommand, scriptProgram, submitDirectory } from './command.ts';
import { layoutPaths, trainingEnvironment, writeLayout } from './container-contract.ts';
import type { JobLogs } from './job-logs.ts';
import { MetricParser } from './metric-parser.ts';
import { hasRequirements, installingRequirements } from './requirements.ts';
import { ownerOf, type TrainingJobRecord, trainingJobKind } from './service.ts';
import { finished, withTransition } from './transitions.ts';
import type { SecondaryStatus, TrainingJobSpec, TrainingJobStatus } from './types.ts';

export interface TrainingControllerDeps {
  store: Store;
  artifacts: Artifacts;
  events: EventBus;
  metrics: MetricStore;
  logs: JobLogs;
  runtimes: ReadonlyMap<string, Runtime>;
  gpus: GpuAllocator;
  builtins: BuiltinAlgorithms;
  python: string;
  /** Extra arguments for pip when a job's code has a requirements.txt. */
  pipArgs: readonly string[];
  /** Per-job working folders (the host side of /opt/ml). */
  workFolder: string;
  /** This replica's identity in leases. */
  owner: string;
  logger: Logger;
  stopGraceMs: number;
  pollMs?: number;
  leaseMs?: number;
}

interface LocalJob {
  handle?: RunHandle;
  stopping: boolean;
}

const failureReasonLimit = 1024;

export class TrainingController {
  /**
   * Experiment tracking and lineage (issue 6), set by the registry module: told when a job starts,
   * as its metrics are parsed, and when it ends. Unset, the controller runs jobs without them.
   */
  hooks?: TrainingJobHooks;
  private readonly local = new Map<string, LocalJob>();
  private readonly inFlight = new Set<Promise<void>>();
  private signalClosing!: () => void;
  /** Resolves at shutdown, so supervision of jobs that keep running elsewhere can let go. */
  private readonly closing = new Promise<void>((resolve) => {
    this.signalClosing = resolve;
  });
  private timer?: NodeJS.Timeout;
  private closed = false;
  private polling = false;
  private readonly pollMs: number;
  private readonly leaseMs: number;

  constructor(private readonly deps: TrainingControllerDeps) {
    this.pollMs = deps.pollMs ?? 500;
    this.leaseMs = deps.leaseMs ?? 15_000;
  }

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    void this.poll();
  }

  /** React now to a change of `name` (created, asked to stop). */
  kick(name: string): void {
    const job = this.local.get(name);
    if (job) void this.checkStop(name, job);
    else void this.poll();
  }

  /**
   * Shutdown: jobs on runtimes that can re-attach keep running and are picked up after restart;
   * jobs on the process runtime would be orphaned, so they are stopped and marked Failed.
   */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    for (const [name, job] of this.local) {
      const record = await this.deps.store.getResource<TrainingJobSpec, TrainingJobStatus>({
        kind: trainingJobKind,
        name,
      });
      const runtime = record?.status.execution
        ? this.deps.runtimes.get(record.status.execution.runtime)
        : undefined;
      if (job.handle && runtime && !runtime.capabilities.reattach) {
        await this.update(name, (status) => ({
          ...status,
          trainingJobStatus: 'Stopping',
          stopReason: 'shutdown',
        }));
        job.stopping = true;
        void job.handle.stop(Math.min(this.deps.stopGraceMs, 10_000));
      }
    }
    this.signalClosing();
    await Promise.allSettled([...this.inFlight]);
  }

  private async poll(): Promise<void> {
    if (this.closed || this.polling) return;
    this.polling = true;
    try {
      for (const owner of await this.deps.store.leaseOwners(trainingJobKind)) {
        if (isDeadLocalOwner(owner)) await this.deps.store.releaseLeasesOf({ kind: trainingJobKind, owner });
      }
      const names = await this.deps.store.claimResources({
        kind: trainingJobKind,
        phases: ['InProgress', 'Stopping'],
        owner: this.deps.owner,
        leaseMs: this.leaseMs,
      });
      for (const name of names) {
        if (this.local.has(name) || this.closed) continue;
        this.local.set(name, { stopping: false });
        const work: Promise<void> = this.reconcile(name).finally(() => {
          this.local.delete(name);
          this.inFlight.delete(work);
        });
        this.inFlight.add(work);
      }
    } catch (error) {
      if (!this.closed) this.deps.logger.error({ err: error }, 'training controller poll failed');
    } finally {
      this.polling = false;
    }
  }

  private async reconcile(name: string): Promise<void> {
    const log = this.deps.logger.child({ trainingJob: name });
    try {
      const record = await this.deps.store.requireResource<TrainingJobSpec, TrainingJobStatus>({
        kind: trainingJobKind,
        name,
      });
      if (record.status.execution) await this.recover(record);
      else if (record.status.trainingJobStatus === 'Stopping') {
        await this.end(name, {
          primary: 'Stopped',
          secondary: 'Stopped',
          message: 'Stopped before it started',
        });
      } else await this.run(record);
    } catch (error) {
      log.error({ err: error }, 'training job failed in the controller');
      await this.end(name, {
        primary: 'Failed',
        secondary: 'Failed',
        message: 'Training job failed',
        failureReason: `ClientError: ${(error as Error).message}`.slice(0, failureReasonLimit),
      }).catch((inner) => log.error({ err: inner }, 'could not record the failure'));
    } finally {
      await this.deps.store
        .releaseResource({ kind: trainingJobKind, name, owner: this.deps.owner })
        .catch(() => {});
    }
  }

  /** A job launched by an earlier Slipway process. */
  private async recover(record: TrainingJobRecord): Promise<void> {
    const execution = record.status.execution!;
    const runtime = this.deps.runtimes.get(execution.runtime);
    if (runtime?.capabilities.reattach && runtime.reattach) {
      const hostRoot = this.hostRootOf(record.name);
      const parser = new MetricParser(record.spec.algorithmSpecification.metricDefinitions ?? [], () =>
        this.deps.store.clock.now(),
      );
      const writer = await this.deps.logs.writer(record.name);
      const handle = await runtime.reattach(
        this.runSpec(record, runtime, hostRoot, execution.gpus, parser, writer),
      );
      if (handle) {
        this.deps.logger.info({ trainingJob: record.name }, 're-attached to a running training job');
        await this.setSecondary(
          record.name,
          'Training',
          'Re-attached to the running job after Slipway restarted',
        );
        await this.supervise(record, runtime, handle, parser, writer, hostRoot, execution.gpus);
        return;
      }
      writer.end();
    }
    if (execution.pid) {
      // The process runtime's job outlived the Slipway that started it: end its whole group.
      try {
        process.kill(-execution.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await this.end(record.name, {
      primary: 'Failed',
      secondary: 'Failed',
      message: 'Training job failed',
      failureReason:
        `InternalServerError: Slipway restarted while the job was running, and the ${execution.runtime} runtime cannot ` +
        're-attach to it; the job was ended. Start it again.',
    });
  }

  private hostRootOf(name: string): string {
    return join(this.deps.workFolder, name, 'ml');
  }

  private async run(record: TrainingJobRecord): Promise<void> {
    const { spec } = record;
    const name = record.name;
    const runtime = this.deps.runtimes.get(spec.algorithmSpecification.trainingImage ? 'docker' : 'process');
    if (!runtime)
      throw new Error('the docker runtime is not available on this server; a trainingImage needs it');

    const gpuCount = spec.resourceConfig?.gpuCount ?? 0;
    const gpus = this.deps.gpus.allocate(gpuCount);
    if (!gpus) {
      await this.setSecondary(name, 'Pending', `Waiting for ${gpuCount} free GPU(s)`, {
        onlyIfChanged: true,
      });
      return; // The lease is released; the next poll tries again.
    }
    const hostRoot = this.hostRootOf(name);
    let releaseGpus = true;
    try {
      await this.update(name, (status) => ({
        ...withTransition(status, 'Downloading', 'Downloading input data and code', this.now()),
        trainingStartTime: this.now(),
      }));
      await rm(join(this.deps.workFolder, name), { recursive: true, force: true });
      await writeLayout(hostRoot, spec);
      await this.download(spec, hostRoot);

      if (await this.stopRequested(name)) {
        await this.end(name, {
          primary: 'Stopped',
          secondary: 'Stopped',
          message: 'Stopped before training started',
        });
        return;
      }
      const parser = new MetricParser(spec.algorithmSpecification.metricDefinitions ?? [], () => this.now());
      const writer = await this.deps.logs.writer(name);
      const runSpec = this.runSpec(record, runtime, hostRoot, gpus, parser, writer);
      // Tracking: create or join the run and record lineage; a failure here (e.g. the run belongs to
      // another experiment) fails the job before it runs, with the reason.
      await this.hooks?.started(record, {
        runtime: runtime.name,
        image: runSpec.image,
        command: [...(runSpec.command ?? []), ...(runSpec.args ?? [])],
      });
      const handle = await runtime.start(runSpec);
      await this.update(name, (status) => ({
        ...withTransition(
          status,
          'Training',
          'Training image download completed. Training in progress.',
          this.now(),
        ),
        execution: {
          runtime: runtime.name,
          runId: runSpec.id,
          owner: this.deps.owner,
          pid: handle.pid,
          gpus,
        },
      }));
      releaseGpus = false;
      await this.supervise(record, runtime, handle, parser, writer, hostRoot, gpus);
    } finally {
      if (releaseGpus) this.deps.gpus.release(gpus);
    }
  }

  private runSpec(
    record: TrainingJobRecord,
    runtime: Runtime,
    hostRoot: string,
    gpus: number[],
    parser: MetricParser,
    writer: NodeJS.WritableStream,
  ): RunSpec {
    const { spec } = record;
    const root = runtime.layoutRoot(hostRoot);
    const paths = layoutPaths(root);
    let command = resolveCommand(spec, {
      codeRoot: paths.code,
      python: this.deps.python,
      builtins: this.deps.builtins,
    });
    const env = {
      ...spec.environment,
      ...trainingEnvironment({ root, spec, gpus, cpus: spec.resourceConfig?.cpus }),
    };
    if (
      !command.image &&
      command.command &&
      scriptProgram(spec) &&
      hasRequirements(layoutPaths(hostRoot).code)
    ) {
      const installing = installingRequirements([...command.command, ...(command.args ?? [])], {
        python: this.deps.python,
        root,
        failureFile: paths.failure,
        pipArgs: this.deps.pipArgs,
        pythonPath: env.PYTHONPATH,
      });
      command = { command: installing.command, args: [] };
      env.PYTHONPATH = installing.pythonPath;
    }
    return {
      id: `training-job-${record.name}`,
      image: command.image,
      command: command.command,
      args: command.args,
      env,
      hostRoot,
      workdir: paths.code,
      gpus,
      cpus: spec.resourceConfig?.cpus,
      memoryMb: spec.resourceConfig?.memoryMb,
      onLog: (line) => {
        writer.write(`${line}\n`);
        parser.accept(line);
      },
    };
  }

  /** Watches a running job to its end: lease renewal, stop requests, max runtime, metrics. */
  private async supervise(
    record: TrainingJobRecord,
    runtime: Runtime,
    handle: RunHandle,
    parser: MetricParser,
    writer: NodeJS.WritableStream,
    hostRoot: string,
    gpus: number[],
  ): Promise<void> {
    const name = record.name;
    const job = this.local.get(name) ?? { stopping: false };
    job.handle = handle;
    this.local.set(name, job);
    const maxRuntimeMs = (record.spec.stoppingCondition?.maxRuntimeInSeconds ?? 86_400) * 1000;
    const startedAt = record.status.trainingStartTime ?? this.now();
    const maxRuntimeTimer = setTimeout(
      () => void this.requestStop(name, 'max-runtime'),
      Math.max(0, startedAt + maxRuntimeMs - this.now()),
    );
    const heartbeat = setInterval(
      () => void this.heartbeat(name, job, parser),
      Math.min(1000, this.leaseMs / 3),
    );
    let exit: RunExit | undefined;
    try {
      const stillRunningElsewhere = runtime.capabilities.reattach
        ? this.closing.then(() => undefined)
        : new Promise<undefined>(() => {});
      exit = await Promise.race([handle.exited, stillRunningElsewhere]);
    } finally {
      clearTimeout(maxRuntimeTimer);
      clearInterval(heartbeat);
    }
    if (!exit) {
      // Shutting down; the run goes on and the next Slipway re-attaches to it.
      writer.end();
      await this.flushMetrics(name, parser);
      return;
    }
    await new Promise<void>((resolve) => writer.end(resolve));
    await this.flushMetrics(name, parser);
    this.deps.gpus.release(gpus);
    await this.finish(name, exit, hostRoot);
  }

  private async heartbeat(name: string, job: LocalJob, parser: MetricParser): Promise<void> {
    try {
      await this.deps.store.renewLease({
        kind: trainingJobKind,
        name,
        owner: this.deps.owner,
        leaseMs: this.leaseMs,
      });
      await this.flushMetrics(name, parser);
      await this.checkStop(name, job);
    } catch (error) {
      this.deps.logger.warn({ err: error, trainingJob: name }, 'training heartbeat failed');
    }
  }

  private async checkStop(name: string, job: LocalJob): Promise<void> {
    if (job.stopping || !job.handle) return;
    if (!(await this.stopRequested(name))) return;
    job.stopping = true;
    await this.setSecondary(name, 'Stopping', 'Stopping the training job');
    await job.handle.stop(this.deps.stopGraceMs);
  }

  private async requestStop(name: string, reason: 'user' | 'max-runtime'): Promise<void> {
    await this.update(name, (status) =>
      status.trainingJobStatus === 'InProgress'
        ? { ...status, trainingJobStatus: 'Stopping', stopReason: reason }
        : status,
    );
    const job = this.local.get(name);
    if (job) await this.checkStop(name, job);
  }

  private async stopRequested(name: string): Promise<boolean> {
    const record = await this.deps.store.getResource<TrainingJobSpec, TrainingJobStatus>({
      kind: trainingJobKind,
      name,
    });
    return record?.status.trainingJobStatus === 'Stopping';
  }

  private async flushMetrics(name: string, parser: MetricParser): Promise<void> {
    const points = parser.drain();
    if (points.length === 0) return;
    await this.deps.metrics.logBatch(ownerOf(name), points);
    // Tracking: the same points into the job's run; the job's own series is already safe.
    await this.hooks
      ?.metrics(name, points)
      .catch((error) =>
        this.deps.logger.warn({ err: error, trainingJob: name }, 'could not log metrics to the run'),
      );
    const finalMetricDataList = [...parser.latest.values()].map((p) => ({
      metricName: p.name,
      value: p.value,
      timestamp: p.time,
    }));
    await this.update(name, (status) => ({ ...status, finalMetricDataList }));
  }

  private async finish(name: string, exit: RunExit, hostRoot: string): Promise<void> {
    const record = await this.deps.store.requireResource<TrainingJobSpec, TrainingJobStatus>({
      kind: trainingJobKind,
      name,
    });
    const stopReason = record.status.stopReason;
    await this.update(name, (status) => ({ ...status, exitCode: exit.exitCode }));
    if (stopReason) {
      // SageMaker keeps what a stopped job managed to save: upload a non-empty model folder.
      await this.upload(record, hostRoot, { onlyIfModel: true });
      if (stopReason === 'shutdown') {
        await this.end(name, {
          primary: 'Failed',
          secondary: 'Failed',
          message: 'Training job failed',
          failureReason:
            'InternalServerError: Slipway shut down while the job was running; the process runtime cannot keep a job running without it. Start it again.',
        });
      } else if (stopReason === 'max-runtime') {
        const limit = record.spec.stoppingCondition?.maxRuntimeInSeconds;
        await this.end(name, {
          primary: 'Stopped',
          secondary: 'MaxRuntimeExceeded',
          message: `Training job stopped: it ran longer than maxRuntimeInSeconds (${limit} s)`,
          failureReason: `MaxRuntimeExceeded: the job ran longer than its stopping condition of ${limit} seconds`,
        });
      } else {
        await this.end(name, { primary: 'Stopped', secondary: 'Stopped', message: 'Training job stopped' });
      }
    } else if (exit.exitCode === 0) {
      await this.setSecondary(name, 'Uploading', 'Uploading generated training model');
      await this.upload(record, hostRoot, { onlyIfModel: false });
      await this.end(name, {
        primary: 'Completed',
        secondary: 'Completed',
        message: 'Training job completed',
      });
    } else {
      await this.end(name, {
        primary: 'Failed',
        secondary: 'Failed',
        message: 'Training job failed',
        failureReason: await this.failureReason(name, exit, hostRoot),
      });
    }
    await rm(join(hostRoot, 'input', 'data'), { recursive: true, force: true });
  }

  /** The failure file if the code wrote one (the contract), else the exit and the log's last lines. */
  private async failureReason(name: string, exit: RunExit, hostRoot: string): Promise<string> {
    const file = await readFile(layoutPaths(hostRoot).failure, 'utf8').catch(() => '');
    if (file.trim()) return `AlgorithmError: ${file.trim()}`.slice(0, failureReasonLimit);
    const how = exit.exitCode === null ? `killed by ${exit.signal}` : `exit code ${exit.exitCode}`;
    const logText = await readFile(this.deps.logs.pathOf(name), 'utf8').catch(() => '');
    const tail = logText.trimEnd().split('\n').slice(-3).join(' | ');
    return `AlgorithmError: the training code ended with ${how}${tail ? `; last output: ${tail}` : ''}`.slice(
      0,
      failureReasonLimit,
    );
  }

  private async upload(
    record: TrainingJobRecord,
    hostRoot: string,
    options: { onlyIfModel: boolean },
  ): Promise<void> {
    const paths = layoutPaths(hostRoot);
    const outputRoot = record.spec.outputDataConfig?.s3OutputPath;
    const store = outputRoot
      ? this.deps.artifacts.storeFor(outputRoot, 'outputDataConfig.s3OutputPath')
      : this.deps.artifacts.storeFor(`${this.deps.artifacts.defaultStore.rootUri}training-jobs`);
    const modelFiles = await readdir(paths.model).catch(() => []);
    if (modelFiles.length > 0 || !options.onlyIfModel) {
      const stored = await store.put(`${record.name}/output/model.tar.gz`, await packDirectory(paths.model));
      await this.update(record.name, (status) => ({
        ...status,
        modelArtifacts: { s3ModelArtifacts: stored.uri, sha256: stored.sha256, size: stored.size },
      }));
    }
    const dataFiles = await readdir(paths.outputData).catch(() => []);
    if (dataFiles.length > 0) {
      const stored = await store.put(
        `${record.name}/output/output.tar.gz`,
        await packDirectory(paths.outputData),
      );
      await this.update(record.name, (status) => ({
        ...status,
        outputDataArtifacts: { s3Uri: stored.uri, sha256: stored.sha256, size: stored.size },
      }));
    }
  }

  private async download(spec: TrainingJobSpec, hostRoot: string): Promise<void> {
    const paths = layoutPaths(hostRoot);
    for (const [index, channel] of (spec.inputDataConfig ?? []).entries()) {
      await this.deps.artifacts.download(
        channel.dataSource.s3DataSource.s3Uri,
        paths.channel(channel.channelName),
        `inputDataConfig[${index}].dataSource.s3DataSource.s3Uri`,
      );
    }
    const code = submitDirectory(spec);
    if (code) {
      if (code.endsWith('.tar.gz')) {
        const { store, key } = this.deps.artifacts.resolve(
          code,
          'hyperParameters.sagemaker_submit_directory',
        );
        await unpackTo(await store.get(key), paths.code);
      } else {
        await this.deps.artifacts.download(code, paths.code, 'hyperParameters.sagemaker_submit_directory');
      }
    }
  }

  private async setSecondary(
    name: string,
    secondary: SecondaryStatus,
    message: string,
    options: { onlyIfChanged?: boolean } = {},
  ) {
    await this.update(name, (status) =>
      options.onlyIfChanged && status.secondaryStatus === secondary
        ? status
        : withTransition(status, secondary, message, this.now()),
    );
  }

  private async end(
    name: string,
    outcome: {
      primary: 'Completed' | 'Failed' | 'Stopped';
      secondary: SecondaryStatus;
      message: string;
      failureReason?: string;
    },
  ): Promise<void> {
    const record = await this.deps.store.transaction(async (tx) => {
      const ended = await this.update(name, (status) => finished(status, outcome, this.now()), tx);
      await this.deps.events.publish({
        resource: ownerOf(name),
        type: `training-job.${outcome.primary.toLowerCase()}`,
        detail: {
          trainingJobName: name,
          trainingJobStatus: outcome.primary,
          secondaryStatus: outcome.secondary,
          failureReason: outcome.failureReason,
          modelArtifacts: ended.status.modelArtifacts?.s3ModelArtifacts,
        },
        tx,
      });
      return ended;
    });
    // Tracking: end the run with the job's status and record the model artifact's lineage.
    await this.hooks
      ?.ended(record)
      .catch((error) => this.deps.logger.warn({ err: error, trainingJob: name }, 'could not end the run'));
  }

  /** Read-modify-write of the status; the phase always follows trainingJobStatus. */
  private update(name: string, change: (status: TrainingJobStatus) => TrainingJobStatus, tx?: Tx) {
    return this.deps.store.mutateResource<TrainingJobSpec, TrainingJobStatus>({
      kind: trainingJobKind,
      name,
      tx,
      change: (record) => {
        const status = change(record.status);
        return { status, phase: status.trainingJobStatus };
      },
    });
  }

  private now(): number {
    return this.deps.store.clock.now();
  }
}
