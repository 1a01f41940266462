/**
 * Metric series: points (name, step, value, time) owned by a training job or a run. One primitive,
 * `logBatch`; logging one point is a batch of one.
 */
import type { Store, Tx } from '../store/store.ts';

export interface MetricPoint {
  name: string;
  value: number;
  step: number;
  time: number;
}

const pointColumns = ['owner', 'name', 'step', 'value', 'time'] as const;

export class MetricStore {
  constructor(private readonly store: Store) {}

  /** Multi-row INSERTs in one transaction (the caller's, when it gives one: a run's batch log). */
  async logBatch(owner: string, points: MetricPoint[], options: { tx?: Tx } = {}): Promise<void> {
    if (points.length === 0) return;
    const write = (tx: Tx) =>
      this.store.bulkInsert({
        table: 'metric_points',
        columns: pointColumns,
        rows: points,
        values: (p) => [owner, p.name, p.step, p.value, p.time],
        tx,
      });
    if (options.tx) await write(options.tx);
    else await this.store.transaction(write);
  }

  log(owner: string, point: MetricPoint): Promise<void> {
    return this.logBatch(owner, [point]);
  }

  async series(owner: string, name: string): Promise<MetricPoint[]> {
    const rows = await this.store.db
      .selectFrom('metric_points')
      .select(['name', 'step', 'value', 'time'])
      .where('owner', '=', owner)
      .where('name', '=', name)
      .orderBy('step')
      .orderBy('id')
      .execute();
    return rows.map((row) => ({
      name: row.name,
      step: Number(row.step),
      value: Number(row.value),
      time: Number(row.time),
    }));
  }

  /** The last point of every metric the owner logged. */
  async latest(owner: string): Promise<MetricPoint[]> {
    const rows = await this.store.db
      .selectFrom('metric_points as m')
      .select(['m.name', 'm.step', 'm.value', 'm.time'])
      .where('m.owner', '=', owner)
      .where('m.id', 'in', (eb) =>
        eb
          .selectFrom('metric_points')
          .select((e) => e.fn.max('id').as('id'))
          .where('owner', '=', owner)
          .groupBy('name'),
      )
      .orderBy('m.name')
      .execute();
    return rows.map((row) => ({
      name: row.name,
      step: Number(row.step),
      value: Number(row.value),
      time: Number(row.time),
    }));
  }

  async names(owner: string): Promise<string[]> {
    const rows = await this.store.db
      .selectFrom('metric_points')
      .select('name')
      .distinct()
      .where('owner', '=', owner)
      .orderBy('name')
      .execute();
    return rows.map((row) => row.name);
  }
}
