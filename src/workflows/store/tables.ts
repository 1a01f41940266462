/** Table types of the workflow engine's durable state (see migration 003-workflows). */

export interface ExecutionHistoryTable {
  /** The execution's name (its resource name). */
  execution: string;
  id: number;
  type: string;
  /** Epoch milliseconds. */
  timestamp: number;
  previous_id: number;
  /** JSON of the event's details as the interpreter emitted them. */
  details: string;
}

export interface ExecutionSnapshotsTable {
  execution: string;
  /** The snapshot covers exactly the history events with id < next_event_id. */
  next_event_id: number;
  /** JSON of the interpreter's ExecutionSnapshot. */
  snapshot: string;
  updated_at: number;
}

export interface WorkflowTables {
  execution_history: ExecutionHistoryTable;
  execution_snapshots: ExecutionSnapshotsTable;
}
