import { type Kysely, sql } from 'kysely';
import type { StoreCapabilities } from '../dialect.ts';

export const name = '005-event-consumers';

/**
 * Durable event consumers: each event remembers the transaction that wrote it (PostgreSQL's xid;
 * 0 where one writer at a time makes ids follow commit order), and each consumer keeps its
 * position and its lease in `event_consumers`.
 */
export async function up(db: Kysely<any>, capabilities: StoreCapabilities): Promise<void> {
  // Events written before this migration are all committed: 0 orders them by id, ahead of the rest.
  await db.schema
    .alterTable('events')
    .addColumn('tx', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  if (capabilities.eventsCarryTransactionIds)
    await sql`ALTER TABLE events ALTER COLUMN tx SET DEFAULT (pg_current_xact_id()::text::bigint)`.execute(
      db,
    );
  await db.schema.createIndex('events_by_position').on('events').columns(['tx', 'id']).execute();
  await db.schema
    .createTable('event_consumers')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('after_tx', 'bigint', (c) => c.notNull())
    .addColumn('after_id', 'bigint', (c) => c.notNull())
    .addColumn('owner', 'text')
    .addColumn('lease_expires_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}
