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
}

export interface OpenedDatabase {
  db: Kysely<Database>;
  capabilities: StoreCapabilities;
  /** A printable description without secrets (e.g. sqlite:/path or postgres://host/db). */
  description: string;
}
