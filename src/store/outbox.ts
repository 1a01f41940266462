/**
 * The events table as a transactional outbox: an event is inserted by the transaction that changes
 * its resource, and durable consumers read it back in position order, each from its own cursor.
 *
 * A position is (tx, id). On PostgreSQL ids come from a sequence before commit, so a consumer that
 * went by id alone could pass an event whose transaction commits after a later one's. Each event
 * therefore records its transaction id, readers order by (tx, id) and take only events of
 * transactions older than the snapshot's oldest running one (`pg_snapshot_xmin`): those are
 * finished for good, so nothing can appear behind a cursor. On SQLite one writer at a time makes
 * ids follow commit order and tx is 0.
 */
import { sql } from 'kysely';
import type { EventLog, EventPosition, SlipwayEvent } from '../core/events.ts';
import { compileGlob } from '../core/glob.ts';
import { isDeadLocalOwner } from '../core/replica.ts';
import type { EventsTable } from './schema.ts';
import type { Store, Tx } from './store.ts';

type EventRow = Omit<EventsTable, 'id' | 'tx'> & { id: number; tx: number };

export class Outbox implements EventLog {
  constructor(private readonly store: Store) {}

  async append(
    event: { time: number; resource: string; type: string; detail: Record<string, unknown> },
    tx?: Tx,
  ): Promise<number> {
    const row = await this.store
      .executor(tx)
      .insertInto('events')
      .values({ ...event, detail: JSON.stringify(event.detail) })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  /** Events after `afterId` in id order, for people: listing and paging the log. */
  async list(options: {
    afterId?: number;
    type?: string;
    resource?: string;
    limit?: number;
  }): Promise<SlipwayEvent[]> {
    let query = this.store.db
      .selectFrom('events')
      .selectAll()
      .where('id', '>', options.afterId ?? 0);
    if (options.resource) query = query.where('resource', '=', options.resource);
    // Narrow by type in SQL (exact, or the part before the first `*`), so `limit` counts matches.
    const literal = options.type?.split('*')[0];
    if (options.type && !options.type.includes('*')) query = query.where('type', '=', options.type);
    else if (literal) query = query.where('type', '>=', literal).where('type', '<', `${literal}\uffff`);
    const rows = await query
      .orderBy('id')
      .limit(options.limit ?? 100)
      .execute();
    const matches = options.type ? compileGlob(options.type) : () => true;
    return rows.filter((row) => matches(row.type)).map(toEvent);
  }

  /** Up to `limit` events after `position` whose transactions are finished for good, in order. */
  async after(position: EventPosition, limit: number): Promise<Array<SlipwayEvent & EventPosition>> {
    let query = this.store.db
      .selectFrom('events')
      .selectAll()
      .where((eb) =>
        eb.or([eb('tx', '>', position.tx), eb.and([eb('tx', '=', position.tx), eb('id', '>', position.id)])]),
      );
    query = this.finished(query);
    const rows = await query.orderBy('tx').orderBy('id').limit(limit).execute();
    return rows.map((row) => ({ ...toEvent(row), tx: Number(row.tx) }));
  }

  /** The position of the newest finished event: where a new consumer starts. */
  async head(): Promise<EventPosition> {
    const row = await this.finished(this.store.db.selectFrom('events').select(['tx', 'id']))
      .orderBy('tx', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? { tx: Number(row.tx), id: Number(row.id) } : { tx: 0, id: 0 };
  }

  /**
   * Takes or renews the consumer's lease and returns its position, or null while another replica
   * holds it. A consumer seen for the first time starts at the head; a lease of a dead process on
   * this host is taken over at once.
   */
  async claim(options: { consumer: string; owner: string; leaseMs: number }): Promise<EventPosition | null> {
    const { db, clock } = this.store;
    const now = clock.now();
    let row = await db
      .selectFrom('event_consumers')
      .selectAll()
      .where('name', '=', options.consumer)
      .executeTakeFirst();
    if (!row) {
      const head = await this.head();
      await db
        .insertInto('event_consumers')
        .values({
          name: options.consumer,
          after_tx: head.tx,
          after_id: head.id,
          owner: null,
          lease_expires_at: null,
          updated_at: now,
        })
        .onConflict((conflict) => conflict.column('name').doNothing())
        .execute();
      row = await db
        .selectFrom('event_consumers')
        .selectAll()
        .where('name', '=', options.consumer)
        .executeTakeFirstOrThrow();
    }
    const held = row.owner;
    const free =
      held === null || held === options.owner || Number(row.lease_expires_at) < now || isDeadLocalOwner(held);
    if (!free) return null;
    // Compare-and-set on what was read, so two replicas racing for a free lease cannot both win.
    const result = await db
      .updateTable('event_consumers')
      .set({ owner: options.owner, lease_expires_at: now + options.leaseMs })
      .where('name', '=', options.consumer)
      .where((eb) => (held === null ? eb('owner', 'is', null) : eb('owner', '=', held)))
      .where('after_tx', '=', row.after_tx)
      .where('after_id', '=', row.after_id)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return null;
    return { tx: Number(row.after_tx), id: Number(row.after_id) };
  }

  /** Moves the consumer's cursor; false when this owner no longer holds its lease. */
  async advance(options: { consumer: string; owner: string; position: EventPosition }): Promise<boolean> {
    const result = await this.store.db
      .updateTable('event_consumers')
      .set({
        after_tx: options.position.tx,
        after_id: options.position.id,
        updated_at: this.store.clock.now(),
      })
      .where('name', '=', options.consumer)
      .where('owner', '=', options.owner)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Gives the lease up (at shutdown), so another replica takes over without waiting for it to expire. */
  async release(options: { consumer: string; owner: string }): Promise<void> {
    await this.store.db
      .updateTable('event_consumers')
      .set({ owner: null, lease_expires_at: null })
      .where('name', '=', options.consumer)
      .where('owner', '=', options.owner)
      .execute();
  }

  private finished<Q extends { where: (...args: any[]) => Q }>(query: Q): Q {
    if (!this.store.capabilities.eventsCarryTransactionIds) return query;
    return query.where('tx', '<', sql<number>`pg_snapshot_xmin(pg_current_snapshot())::text::bigint`);
  }
}

function toEvent(row: EventRow): SlipwayEvent {
  return {
    id: Number(row.id),
    time: Number(row.time),
    resource: row.resource,
    type: row.type,
    detail: JSON.parse(row.detail),
  };
}
