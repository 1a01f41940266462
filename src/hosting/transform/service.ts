/** Transform jobs: create / describe / list / stop. The runner does the work. */

import type { Artifacts } from '../../artifacts/artifacts.ts';
import { isoTime } from '../../core/clock.ts';
import type { EventBus } from '../../core/events.ts';
import { arnOf } from '../../core/ids.ts';
import { validate } from '../../core/schema.ts';
import type { ResourceRecord, Store } from '../../store/store.ts';
import { HostingErrors } from '../errors.ts';
import type { ModelService } from '../models.ts';
import { type TransformJobSpec, TransformJobSpecSchema, type TransformJobStatus } from './types.ts';

export const transformJobKind = 'transform-job';
export type TransformJobRecord = ResourceRecord<TransformJobSpec, TransformJobStatus>;

export class TransformService {
  onChange: (name: string) => void = () => {};

  constructor(
    private readonly deps: { store: Store; events: EventBus; models: ModelService; artifacts: Artifacts },
  ) {}

  async create(options: { spec: unknown }): Promise<TransformJobRecord> {
    const spec = validate(TransformJobSpecSchema, options.spec);
    if (!(await this.deps.models.find(spec.modelName)))
      throw HostingErrors.modelMissing({ field: 'modelName', modelName: spec.modelName });
    const uri = spec.transformInput.dataSource.s3DataSource.s3Uri;
    const field = 'transformInput.dataSource.s3DataSource.s3Uri';
    const single = this.deps.artifacts.resolve(uri, field);
    const exists =
      (single.key && (await single.store.head(single.key))) ||
      (await this.deps.artifacts.storeFor(uri.replace(/\/*$/, '/'), field).list('')).length > 0;
    if (!exists) throw HostingErrors.artifactMissing({ field, uri });
    this.deps.artifacts.storeFor(spec.transformOutput.s3OutputPath, 'transformOutput.s3OutputPath');
    const record = await this.deps.store.transaction(async (tx) => {
      const created = await this.deps.store.createResource<TransformJobSpec, TransformJobStatus>({
        kind: transformJobKind,
        name: spec.transformJobName,
        arn: arnOf('sagemaker', 'transform-job', spec.transformJobName),
        spec,
        status: { transformJobStatus: 'InProgress', recordsProcessed: 0, outputs: [] },
        phase: 'InProgress',
        tx,
      });
      await this.deps.events.publish({
        resource: `transform-job/${spec.transformJobName}`,
        type: 'transform-job.created',
        tx,
      });
      return created;
    });
    this.onChange(spec.transformJobName);
    return record;
  }

  get(name: string): Promise<TransformJobRecord> {
    return this.deps.store.requireResource({ kind: transformJobKind, name });
  }

  list(options: { limit?: number; nextToken?: string }) {
    return this.deps.store.listResources<TransformJobSpec, TransformJobStatus>({
      kind: transformJobKind,
      ...options,
    });
  }

  async stop(name: string): Promise<TransformJobRecord> {
    const record = await this.deps.store.mutateResource<TransformJobSpec, TransformJobStatus>({
      kind: transformJobKind,
      name,
      change: (current) => {
        if (current.status.transformJobStatus !== 'InProgress') {
          throw HostingErrors.transformNotStoppable({ name, status: current.status.transformJobStatus });
        }
        return { status: { ...current.status, transformJobStatus: 'Stopping' }, phase: 'Stopping' };
      },
    });
    this.onChange(name);
    return record;
  }
}

export function describeTransformJob(record: TransformJobRecord) {
  return {
    ...record.spec,
    transformJobArn: record.arn,
    ...record.status,
    creationTime: isoTime(record.createdAt),
    transformStartTime: isoTime(record.status.transformStartTime),
    transformEndTime: isoTime(record.status.transformEndTime),
  };
}
