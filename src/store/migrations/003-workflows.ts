import type { Kysely } from 'kysely';

export const name = '003-workflows';

/**
 * Workflow executions' durable state: their Step Functions history events, and the latest
 * interpreter snapshot of each execution. Both are written in one transaction, so the snapshot
 * always covers exactly the events with id < next_event_id.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('execution_history')
    .addColumn('execution', 'text', (c) => c.notNull())
    .addColumn('id', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('previous_id', 'integer', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('execution_history_pk', ['execution', 'id'])
    .execute();
  await db.schema
    .createTable('execution_snapshots')
    .addColumn('execution', 'text', (c) => c.primaryKey())
    .addColumn('next_event_id', 'integer', (c) => c.notNull())
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}
