/** Experiments: named groups of runs, kept as resources (kind `experiment`). */
import { isoTime } from '../core/clock.ts';
import { CoreErrors } from '../core/errors.ts';
import type { EventBus } from '../core/events.ts';
import { arnOf } from '../core/ids.ts';
import { validate } from '../core/schema.ts';
import type { ResourceRecord, Store, Tx } from '../store/store.ts';
import { type ExperimentSpec, ExperimentSpecSchema, experimentKind } from './types.ts';

export type ExperimentRecord = ResourceRecord<ExperimentSpec, Record<string, never>>;

export class ExperimentService {
  constructor(private readonly deps: { store: Store; events: EventBus }) {}

  async create(options: { spec: unknown; tx?: Tx }): Promise<ExperimentRecord> {
    const spec = validate(ExperimentSpecSchema, options.spec);
    const record = await this.deps.store.createResource<ExperimentSpec, Record<string, never>>({
      kind: experimentKind,
      name: spec.experimentName,
      arn: arnOf('sagemaker', 'experiment', spec.experimentName),
      spec,
      status: {},
      phase: 'Active',
      tx: options.tx,
    });
    await this.deps.events.publish({
      resource: `experiment/${spec.experimentName}`,
      type: 'experiment.created',
      tx: options.tx,
    });
    return record;
  }

  /** The experiment, created on first use (as MLflow's set_experiment does). */
  async ensure(name: string, tx?: Tx): Promise<ExperimentRecord> {
    const existing = await this.find(name, tx);
    if (existing) return existing;
    try {
      return await this.create({ spec: { experimentName: name }, tx });
    } catch (error) {
      // Someone created it in between: theirs is as good as ours.
      if ((error as { code?: string }).code !== CoreErrors.alreadyExists.code) throw error;
      return (await this.find(name, tx))!;
    }
  }

  find(name: string, tx?: Tx): Promise<ExperimentRecord | undefined> {
    return this.deps.store.getResource({ kind: experimentKind, name, tx });
  }

  get(name: string): Promise<ExperimentRecord> {
    return this.deps.store.requireResource({ kind: experimentKind, name });
  }

  list(options: { limit?: number; nextToken?: string }) {
    return this.deps.store.listResources<ExperimentSpec, Record<string, never>>({
      kind: experimentKind,
      ...options,
    });
  }

  async runCount(name: string): Promise<number> {
    const row = await this.deps.store.db
      .selectFrom('runs')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('experiment', '=', name)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }
}

export function describeExperiment(record: ExperimentRecord, runCount?: number) {
  return {
    ...record.spec,
    experimentArn: record.arn,
    creationTime: isoTime(record.createdAt),
    lastModifiedTime: isoTime(record.updatedAt),
    ...(runCount === undefined ? {} : { runCount }),
  };
}
