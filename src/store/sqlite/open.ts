/** SQLite through better-sqlite3: the embedded default. WAL lets readers run beside the writer. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { OpenedDatabase } from '../dialect.ts';
import type { Database } from '../schema.ts';
import { lockSqliteForProcess } from './process-lock.ts';

export function openSqlite(url: string): OpenedDatabase {
  const path = url.replace(/^sqlite:(\/\/)?/, '');
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const connection = new SqliteDatabase(path);
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = NORMAL');
  connection.pragma('busy_timeout = 5000');
  connection.pragma('foreign_keys = ON');
  return {
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }) }),
    capabilities: {
      supportsSkipLocked: false,
      autoIncrementType: 'integer',
      multiProcess: false,
      supportsAdvisoryLocks: false,
      eventsCarryTransactionIds: false,
    },
    description: `sqlite:${path}`,
    lockForProcess: path === ':memory:' ? undefined : () => lockSqliteForProcess(path),
  };
}
