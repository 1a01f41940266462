/** Table types of the metadata store (Kysely's view of the database). Times are epoch milliseconds. */
import type { Generated } from 'kysely';
import type { ExperimentTables } from '../experiments/tables.ts';
import type { WorkflowTables } from '../workflows/store/tables.ts';

export interface ResourcesTable {
  kind: string;
  name: string;
  arn: string;
  /** JSON: what the user asked for. */
  spec: string;
  /** JSON: what is true now, written by controllers. */
  status: string;
  /** Status summary (e.g. InProgress), indexed so controllers find their work without parsing JSON. */
  phase: string;
  /** Optimistic concurrency: every write increments it; an update naming a stale version fails. */
  version: number;
  created_at: number;
  updated_at: number;
  /** Who is reconciling this resource now, and until when (an expired lease may be taken over). */
  lease_owner: string | null;
  lease_expires_at: number | null;
}

export interface EventsTable {
  id: Generated<number>;
  time: number;
  resource: string;
  type: string;
  detail: string;
  /** The writing transaction's id on PostgreSQL (0 on SQLite): events are read in (tx, id) order. */
  tx: Generated<number>;
}

export interface EventConsumersTable {
  name: string;
  /** The position of the last event this consumer has handled. */
  after_tx: number;
  after_id: number;
  /** The replica running this consumer now, and until when. */
  owner: string | null;
  lease_expires_at: number | null;
  updated_at: number;
}

export interface TokensTable {
  id: string;
  name: string;
  /** sha256 of the secret; the secret itself is shown once and never stored. */
  hash: string;
  role: string;
  created_at: number;
  revoked_at: number | null;
}

export interface MetricPointsTable {
  id: Generated<number>;
  /** `training-job/<name>` or `run/<id>`. */
  owner: string;
  name: string;
  step: number;
  value: number;
  time: number;
}

export interface Database extends WorkflowTables, ExperimentTables {
  resources: ResourcesTable;
  events: EventsTable;
  event_consumers: EventConsumersTable;
  tokens: TokensTable;
  metric_points: MetricPointsTable;
}
