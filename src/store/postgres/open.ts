/** PostgreSQL through pg: for several replicas and larger teams. */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { OpenedDatabase } from '../dialect.ts';
import type { Database } from '../schema.ts';

// Epoch milliseconds are BIGINT columns; pg returns int8 as strings unless told otherwise. They fit
// a double exactly (until the year 287396), so numbers are safe.
pg.types.setTypeParser(pg.types.builtins.INT8, (text) => Number(text));

/**
 * `onIdleError` hears of a pooled connection that failed while idle (the server restarted or ended
 * it). The pool drops it and opens another for the next query; without a listener the error would
 * be thrown out of the event loop and end the process.
 */
export function openPostgres(url: string, onIdleError: (error: Error) => void = () => {}): OpenedDatabase {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', onIdleError);
  const parsed = new URL(url);
  return {
    db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
    capabilities: {
      supportsSkipLocked: true,
      autoIncrementType: 'bigserial',
      multiProcess: true,
      supportsAdvisoryLocks: true,
      eventsCarryTransactionIds: true,
    },
    description: `postgres://${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`,
  };
}
