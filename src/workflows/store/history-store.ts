/**
 * Reads and writes an execution's durable state: history events and the latest snapshot, always
 * together in one transaction so a reader (or a restarted controller) never sees events that the
 * stored snapshot does not cover, nor a snapshot whose events are missing.
 */
import type { Store, Tx } from '../../store/store.ts';
import type { ExecutionSnapshot, HistoryEvent, HistoryEventType } from '../asl/index.ts';

const historyColumns = ['execution', 'id', 'type', 'timestamp', 'previous_id', 'details'] as const;

export class HistoryStore {
  constructor(private readonly store: Store) {}

  /** Appends `events` and replaces the snapshot (when given), in one transaction. */
  async write(execution: string, events: HistoryEvent[], snapshot: ExecutionSnapshot | null, tx?: Tx) {
    const run = async (tx: Tx) => {
      await this.store.bulkInsert({
        table: 'execution_history',
        columns: historyColumns,
        rows: events,
        values: (event) => [
          execution,
          event.id,
          event.type,
          Date.parse(event.timestamp),
          event.previousEventId,
          JSON.stringify(event.details),
        ],
        tx,
      });
      if (snapshot) {
        const row = {
          execution,
          next_event_id: snapshot.nextEventId,
          snapshot: JSON.stringify(snapshot),
          updated_at: this.store.clock.now(),
        };
        await tx.executor
          .insertInto('execution_snapshots')
          .values(row)
          .onConflict((conflict) =>
            conflict.column('execution').doUpdateSet({
              next_event_id: row.next_event_id,
              snapshot: row.snapshot,
              updated_at: row.updated_at,
            }),
          )
          .execute();
      }
    };
    if (tx) await run(tx);
    else await this.store.transaction(run);
  }

  async snapshot(execution: string): Promise<ExecutionSnapshot | undefined> {
    const row = await this.store.db
      .selectFrom('execution_snapshots')
      .select('snapshot')
      .where('execution', '=', execution)
      .executeTakeFirst();
    return row ? (JSON.parse(row.snapshot) as ExecutionSnapshot) : undefined;
  }

  /**
   * Drops events the stored snapshot does not cover (id >= its nextEventId): a resumed run emits
   * them again. With events and snapshot written together there are none, but a store written
   * by another engine version might have some.
   */
  async trimAfter(execution: string, nextEventId: number): Promise<void> {
    await this.store.db
      .deleteFrom('execution_history')
      .where('execution', '=', execution)
      .where('id', '>=', nextEventId)
      .execute();
  }

  /** Events in id order, from `afterId` (exclusive), at most `limit`. */
  async events(
    execution: string,
    options: { afterId?: number; limit?: number; reverse?: boolean } = {},
  ): Promise<HistoryEvent[]> {
    let query = this.store.db.selectFrom('execution_history').selectAll().where('execution', '=', execution);
    if (options.afterId !== undefined)
      query = query.where('id', options.reverse ? '<' : '>', options.afterId);
    const rows = await query
      .orderBy('id', options.reverse ? 'desc' : 'asc')
      .limit(options.limit ?? 1000)
      .execute();
    return rows.map((row) => ({
      id: Number(row.id),
      previousEventId: Number(row.previous_id),
      timestamp: new Date(Number(row.timestamp)).toISOString(),
      type: row.type as HistoryEventType,
      details: JSON.parse(row.details),
    }));
  }

  async remove(execution: string, tx?: Tx): Promise<void> {
    const executor = this.store.executor(tx);
    await executor.deleteFrom('execution_history').where('execution', '=', execution).execute();
    await executor.deleteFrom('execution_snapshots').where('execution', '=', execution).execute();
  }
}
