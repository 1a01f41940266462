/**
 * Metric series: points (name, step, value, time) owned by a training job or a run. One primitive,
 * `logBatch`; logging one point is a batch of one.
 */
import { CompiledQuery } from 'kysely';
import type { Store, Tx } from '../store/store.ts';

export interface MetricPoint {
  name: string;
  value: number;
  step: number;
  time: number;
}

/** Rows per INSERT: 5,000 parameters, well under SQLite's (32,766) and PostgreSQL's (65,535) limits. */
const insertChunk = 1000;

export class MetricStore {
  constructor(private readonly store: Store) {}

  /**
   * The SQL text of an INSERT of `rows` points, compiled by Kysely once per row count and reused:
   * building and compiling a 5,000-value query tree per batch cost more than the insert itself.
   */
  private readonly insertText = new Map<number, string>();

  private insertSql(rows: number): string {
    let text = this.insertText.get(rows);
    if (!text) {
      const placeholder = { owner: '', name: '', step: 0, value: 0, time: 0 };
      text = this.store.db
        .insertInto('metric_points')
        .values(Array.from({ length: rows }, () => placeholder))
        .compile().sql;
      this.insertText.set(rows, text);
    }
    return text;
  }

  /** Multi-row INSERTs in one transaction (the caller's, when it gives one: a run's batch log). */
  async logBatch(owner: string, points: MetricPoint[], options: { tx?: Tx } = {}): Promise<void> {
    if (points.length === 0) return;
    const write = async (tx: Tx) => {
      for (let start = 0; start < points.length; start += insertChunk) {
        const end = Math.min(points.length, start + insertChunk);
        // Parameters in the column order of the compiled text: owner, name, step, value, time.
        const parameters = new Array<unknown>((end - start) * 5);
        for (let i = start, o = 0; i < end; i++, o += 5) {
          const p = points[i]!;
          parameters[o] = owner;
          parameters[o + 1] = p.name;
          parameters[o + 2] = p.step;
          parameters[o + 3] = p.value;
          parameters[o + 4] = p.time;
        }
        await tx.executor.executeQuery(CompiledQuery.raw(this.insertSql(end - start), parameters));
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
