/**
 * What differs between the databases, as named capabilities (Kysely's `supportsReturning` style):
 * code above the store checks a capability, never a backend's name.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

export interface StoreCapabilities {
  /** `SELECT … FOR UPDATE SKIP LOCKED`, so replicas claim disjoint work in one statement. */
  supportsSkipLocked: boolean;
  /** Column type for an auto-incrementing integer key in migrations. */
  autoIncrementType: 'integer' | 'bigserial';
  /** Several processes may share this database (false for an embedded file). */
  multiProcess: boolean;
  /** Session-level advisory locks (`pg_advisory_lock`), so replicas can take turns at migrating. */
  supportsAdvisoryLocks: boolean;
  /**
   * Events record the id of the transaction that wrote them, and a reader can ask which ids are
   * finished for good (`pg_snapshot_xmin`): with concurrent writers, ids are handed out before
   * commit, so an id alone would let a consumer pass an event that commits later. Without it, one
   * writer at a time makes ids follow commit order.
   */
  eventsCarryTransactionIds: boolean;
}

export interface OpenedDatabase {
  db: Kysely<Database>;
  capabilities: StoreCapabilities;
  /** A printable description without secrets (e.g. sqlite:/path or postgres://host/db). */
  description: string;
  /**
   * Where `multiProcess` is false: claims the database for this process (refusing when another
   * process has it) and returns the function that gives it back.
   */
  lockForProcess?: () => () => void;
}
