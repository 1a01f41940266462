import type { Kysely } from 'kysely';
import type { StoreCapabilities } from '../dialect.ts';

export const name = '001-initial';

export async function up(db: Kysely<any>, capabilities: StoreCapabilities): Promise<void> {
  await db.schema
    .createTable('resources')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('arn', 'text', (c) => c.notNull())
    .addColumn('spec', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'bigint')
    .addPrimaryKeyConstraint('resources_pk', ['kind', 'name'])
    .execute();
  await db.schema.createIndex('resources_by_phase').on('resources').columns(['kind', 'phase']).execute();
  await db.schema
    .createIndex('resources_by_created')
    .on('resources')
    .columns(['kind', 'created_at', 'name'])
    .execute();

  await db.schema
    .createTable('events')
    .addColumn('id', capabilities.autoIncrementType, (c) =>
      capabilities.autoIncrementType === 'integer' ? c.primaryKey().autoIncrement() : c.primaryKey(),
    )
    .addColumn('time', 'bigint', (c) => c.notNull())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('events_by_type').on('events').columns(['type', 'id']).execute();
  await db.schema.createIndex('events_by_resource').on('events').columns(['resource', 'id']).execute();

  await db.schema
    .createTable('tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
}
