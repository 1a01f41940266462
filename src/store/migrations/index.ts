/**
 * Versioned migrations, run in order at start. Each is applied once, inside a transaction, and
 * recorded in `slipway_migrations`; a database from a newer Slipway is refused rather than guessed at.
 * Where the database has advisory locks, the whole run holds one, so replicas starting together
 * take turns: the first migrates, the others then find nothing left to do.
 */
import { type Kysely, sql } from 'kysely';
import { CoreErrors } from '../../core/errors.ts';
import type { StoreCapabilities } from '../dialect.ts';
import * as m001 from './001-initial.ts';
import * as m002 from './002-metrics.ts';
import * as m003 from './003-workflows.ts';
import * as m004 from './004-experiments.ts';
import * as m005 from './005-event-consumers.ts';

interface Migration {
  name: string;
  up(db: Kysely<any>, capabilities: StoreCapabilities): Promise<void>;
}

export const migrations: Migration[] = [m001, m002, m003, m004, m005];

/** Any fixed number: the advisory lock every Slipway replica takes to migrate. */
const migrationLockKey = 7_007_001;

export async function migrate(db: Kysely<any>, capabilities: StoreCapabilities): Promise<string[]> {
  if (!capabilities.supportsAdvisoryLocks) return migrateUnlocked(db, capabilities);
  // A session lock lives on one connection, so the whole run uses that one connection.
  return db.connection().execute(async (connection) => {
    await sql`SELECT pg_advisory_lock(${migrationLockKey})`.execute(connection);
    try {
      return await migrateUnlocked(connection, capabilities);
    } finally {
      await sql`SELECT pg_advisory_unlock(${migrationLockKey})`.execute(connection);
    }
  });
}

async function migrateUnlocked(db: Kysely<any>, capabilities: StoreCapabilities): Promise<string[]> {
  await db.schema
    .createTable('slipway_migrations')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('applied_at', 'bigint', (c) => c.notNull())
    .execute();
  const applied = new Set(
    (await db.selectFrom('slipway_migrations').select('name').execute()).map(
      (row: { name: string }) => row.name,
    ),
  );
  const known = new Set(migrations.map((m) => m.name));
  const unknown = [...applied].filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw CoreErrors.internal({
      reason: `the database has migrations this Slipway does not know (${unknown.join(', ')}); it was written by a newer version`,
    });
  }
  const ran: string[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.name)) continue;
    await db.transaction().execute(async (tx) => {
      await migration.up(tx, capabilities);
      await tx
        .insertInto('slipway_migrations')
        .values({ name: migration.name, applied_at: Date.now() })
        .execute();
    });
    ran.push(migration.name);
  }
  return ran;
}
