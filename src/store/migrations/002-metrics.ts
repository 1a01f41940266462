import type { Kysely } from 'kysely';
import type { StoreCapabilities } from '../dialect.ts';

export const name = '002-metrics';

/** Metric series points, owned by a training job or an experiment run (`owner` = `kind/name`). */
export async function up(db: Kysely<any>, capabilities: StoreCapabilities): Promise<void> {
  await db.schema
    .createTable('metric_points')
    .addColumn('id', capabilities.autoIncrementType, (c) =>
      capabilities.autoIncrementType === 'integer' ? c.primaryKey().autoIncrement() : c.primaryKey(),
    )
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('step', 'bigint', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('metric_points_by_owner')
    .on('metric_points')
    .columns(['owner', 'name', 'step'])
    .execute();
}
