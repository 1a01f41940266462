/**
 * Runs transform jobs: claims them through store leases, starts the model's backend (the same
 * backends endpoints use), streams each input file through it in mini-batches with bounded
 * concurrency, and writes `<file>.out` next to the output path. A job interrupted by a restart is
 * run again from the start: its outputs are written whole or not at all, so a rerun is safe.
 */
import { basename } from 'node:path';
import { text } from 'node:stream/consumers';
import type { Artifacts } from '../../artifacts/artifacts.ts';
import type { EventBus } from '../../core/events.ts';
import type { Logger } from '../../core/logging.ts';
import { isDeadLocalOwner } from '../../core/replica.ts';
import type { VariantBackend } from '../../inference/backends/backend.ts';
import type { RunLedger } from '../../runtime/run-ledger.ts';
import type { Runtime } from '../../runtime/runtime.ts';
import type { Store, Tx } from '../../store/store.ts';
import { startBackend } from '../backend-factory.ts';
import type { ModelService } from '../models.ts';
import { batches, joinRecord, splitLines, splitPredictions } from './records.ts';
import { type TransformJobRecord, transformJobKind } from './service.ts';
import type { TransformJobSpec, TransformJobStatus } from './types.ts';

export interface TransformRunnerDeps {
  store: Store;
  events: EventBus;
  artifacts: Artifacts;
  models: ModelService;
  runtimes: ReadonlyMap<string, Runtime>;
  python: string;
  workFolder: string;
  ledger: RunLedger;
  owner: string;
  logger: Logger;
}

class StoppedError extends Error {}

export class TransformRunner {
  private timer?: NodeJS.Timeout;
  private closed = false;
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly deps: TransformRunnerDeps) {}

  start(): void {
    this.timer = setInterval(() => void this.poll(), 1000);
    void this.poll();
  }

  kick(): void {
    void this.poll();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await Promise.allSettled([...this.running.values()]);
  }

  private async poll(): Promise<void> {
    if (this.closed) return;
    try {
      for (const owner of await this.deps.store.leaseOwners(transformJobKind)) {
        if (isDeadLocalOwner(owner)) await this.deps.store.releaseLeasesOf({ kind: transformJobKind, owner });
      }
      const names = await this.deps.store.claimResources({
        kind: transformJobKind,
        phases: ['InProgress', 'Stopping'],
        owner: this.deps.owner,
        leaseMs: 30_000,
      });
      for (const name of names) {
        if (this.running.has(name)) continue;
        const work = this.run(name).finally(() => this.running.delete(name));
        this.running.set(name, work);
      }
    } catch (error) {
      if (!this.closed) this.deps.logger.error({ err: error }, 'transform poll failed');
    }
  }

  private async run(name: string): Promise<void> {
    const lease = setInterval(
      () =>
        void this.deps.store.renewLease({
          kind: transformJobKind,
          name,
          owner: this.deps.owner,
          leaseMs: 30_000,
        }),
      5000,
    );
    let backend: VariantBackend | undefined;
    try {
      const record = await this.deps.store.requireResource<TransformJobSpec, TransformJobStatus>({
        kind: transformJobKind,
        name,
      });
      if (record.status.transformJobStatus === 'Stopping') {
        await this.finish(name, { transformJobStatus: 'Stopped' });
        return;
      }
      await this.update(name, (s) => ({
        ...s,
        transformStartTime: Date.now(),
        recordsProcessed: 0,
        outputs: [],
      }));
      const model = await this.deps.models.get(record.spec.modelName);
      backend = await startBackend(
        {
          artifacts: this.deps.artifacts,
          runtimes: this.deps.runtimes,
          python: this.deps.python,
          workFolder: this.deps.workFolder,
          ledger: this.deps.ledger,
        },
        {
          model,
          endpointName: `transform-${name}`,
          variantName: 'batch',
          instanceCount: record.spec.transformResources?.instanceCount ?? 1,
          generation: String(Date.now()),
        },
      );
      await this.transformAll(record, backend);
      await this.finish(name, { transformJobStatus: 'Completed' });
    } catch (error) {
      if (error instanceof StoppedError) await this.finish(name, { transformJobStatus: 'Stopped' });
      else
        await this.finish(name, {
          transformJobStatus: 'Failed',
          failureReason: (error as Error).message.slice(0, 1024),
        });
    } finally {
      clearInterval(lease);
      await backend?.close();
      await this.deps.store
        .releaseResource({ kind: transformJobKind, name, owner: this.deps.owner })
        .catch(() => {});
    }
  }

  private async transformAll(record: TransformJobRecord, backend: VariantBackend): Promise<void> {
    const { spec } = record;
    const input = spec.transformInput.dataSource.s3DataSource.s3Uri;
    const single = this.deps.artifacts.resolve(input);
    const objects =
      single.key && (await single.store.head(single.key))
        ? [{ store: single.store, key: single.key }]
        : (await this.deps.artifacts.storeFor(input.replace(/\/*$/, '/')).list('')).map((o) => ({
            store: this.deps.artifacts.storeFor(input.replace(/\/*$/, '/')),
            key: o.key,
          }));
    const output = this.deps.artifacts.storeFor(
      spec.transformOutput.s3OutputPath,
      'transformOutput.s3OutputPath',
    );
    const contentType = spec.transformInput.contentType ?? 'text/csv';
    const accept = spec.transformOutput.accept ?? contentType;
    const join = spec.dataProcessing?.joinSource === 'Input';
    const maxBytes = (spec.maxPayloadInMB ?? 6) * 1024 * 1024;
    const perBatch = spec.batchStrategy === 'SingleRecord' ? 1 : (spec.maxRecordsPerBatch ?? 1000);
    const concurrency = spec.maxConcurrentTransforms ?? 4;

    for (const object of objects) {
      await this.checkStopped(record.name);
      const body = await text(await object.store.get(object.key));
      const lines: string[] = [];
      if (spec.transformInput.splitType === 'None') {
        const answer = await backend.invoke({ body: Buffer.from(body), contentType, accept });
        lines.push(answer.body.toString().trimEnd());
      } else {
        const records = splitLines(body);
        const groups = batches(records, maxBytes, perBatch);
        const results: string[][] = new Array(groups.length);
        let next = 0;
        const worker = async () => {
          while (next < groups.length) {
            const index = next++;
            const group = groups[index]!;
            const answer = await backend.invoke({
              body: Buffer.from(`${group.join('\n')}\n`),
              contentType,
              accept,
            });
            const predictions = splitPredictions(answer.body.toString(), answer.contentType, group.length);
            results[index] = join
              ? predictions.map((p, i) => joinRecord(group[i]!, p, contentType))
              : predictions;
          }
        };
        await Promise.all(Array.from({ length: Math.min(concurrency, groups.length) }, worker));
        for (const result of results) lines.push(...result);
      }
      const stored = await output.put(`${basename(object.key)}.out`, `${lines.join('\n')}\n`);
      await this.update(record.name, (s) => ({
        ...s,
        recordsProcessed: s.recordsProcessed + lines.length,
        outputs: [...s.outputs, { uri: stored.uri, sha256: stored.sha256, records: lines.length }],
      }));
    }
  }

  private async checkStopped(name: string): Promise<void> {
    const record = await this.deps.store.requireResource<TransformJobSpec, TransformJobStatus>({
      kind: transformJobKind,
      name,
    });
    if (record.status.transformJobStatus === 'Stopping') throw new StoppedError();
  }

  private async finish(
    name: string,
    outcome: Pick<TransformJobStatus, 'transformJobStatus' | 'failureReason'>,
  ): Promise<void> {
    await this.deps.store.transaction(async (tx) => {
      await this.update(name, (s) => ({ ...s, ...outcome, transformEndTime: Date.now() }), tx);
      await this.deps.events.publish({
        resource: `transform-job/${name}`,
        type: `transform-job.${outcome.transformJobStatus.toLowerCase()}`,
        detail: { failureReason: outcome.failureReason },
        tx,
      });
    });
  }

  private update(name: string, change: (status: TransformJobStatus) => TransformJobStatus, tx?: Tx) {
    return this.deps.store.mutateResource<TransformJobSpec, TransformJobStatus>({
      kind: transformJobKind,
      name,
      tx,
      change: (record) => {
        const status = change(record.status);
        return { status, phase: status.transformJobStatus };
      },
    });
  }
}
