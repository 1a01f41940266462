import type { Kysely } from 'kysely';
import type { StoreCapabilities } from '../dialect.ts';

export const name = '004-experiments';

/** Experiment runs (searchable params, tags, final metrics) and the lineage graph. */
export async function up(db: Kysely<any>, _capabilities: StoreCapabilities): Promise<void> {
  await db.schema
    .createTable('runs')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('experiment', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('training_job', 'text')
    .addColumn('start_time', 'bigint', (c) => c.notNull())
    .addColumn('end_time', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('record', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('runs_by_experiment')
    .on('runs')
    .columns(['experiment', 'start_time', 'name'])
    .execute();
  await db.schema.createIndex('runs_by_training_job').on('runs').column('training_job').execute();

  for (const table of ['run_params', 'run_tags']) {
    await db.schema
      .createTable(table)
      .addColumn('run', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['run', 'key'])
      .execute();
  }
  await db.schema
    .createTable('run_metrics')
    .addColumn('run', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('step', 'bigint', (c) => c.notNull())
    .addColumn('time', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('run_metrics_pk', ['run', 'name'])
    .execute();

  await db.schema
    .createTable('lineage_nodes')
    .addColumn('ref', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text')
    .addColumn('properties', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('lineage_edges')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('properties', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('lineage_edges_pk', ['source', 'target', 'type'])
    .execute();
  await db.schema.createIndex('lineage_edges_by_target').on('lineage_edges').column('target').execute();
}
