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

/** Rows per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits (5 per row). */
const insertChunk = 500;

export class MetricStore {
  constructor(private readonly store: Store) {}

  /** Multi-row INSERTs in one transaction (the caller's, when it gives one: a run's batch log). */
  async logBatch(owner: string, points: MetricPoint[], options: { tx?: Tx } = {}): Promise<void> {
    if (points.length === 0) return;
    const write = async (tx: Tx) => {
      for (let start = 0; start < points.length; start += insertChunk) {
        const rows = points
          .slice(start, start + insertChunk)
          .map((p) => ({ owner, name: p.name, step: p.step, value: p.value, time: p.time }));
        await tx.executor.insertInto('metric_points').values(rows).execute();
      }
    };
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
