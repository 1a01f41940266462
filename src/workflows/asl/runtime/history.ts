/**
 * Step Functions execution history. Events carry an increasing id, the id of the event that
 * logically preceded them (in the same branch or iteration), an ISO timestamp and details. The
 * recorder buffers events and flushes them, together with a snapshot, at each checkpoint; the
 * flushes are serialized so concurrent branches can never reorder what the store receives.
 */
import type { Json } from '../types.ts';
import type { Collaborators } from './collaborators.ts';
import type { ExecutionSnapshot, MachineRun } from './snapshot.ts';

export const historyEventTypes = [
  'ExecutionStarted',
  'ExecutionSucceeded',
  'ExecutionFailed',
  'ExecutionAborted',
  'ExecutionTimedOut',
  'PassStateEntered',
  'PassStateExited',
  'TaskStateEntered',
  'TaskStateExited',
  'TaskScheduled',
  'TaskStarted',
  'TaskSucceeded',
  'TaskFailed',
  'TaskTimedOut',
  'ChoiceStateEntered',
  'ChoiceStateExited',
  'WaitStateEntered',
  'WaitStateExited',
  'SucceedStateEntered',
  'SucceedStateExited',
  'FailStateEntered',
  'ParallelStateEntered',
  'ParallelStateExited',
  'ParallelStateStarted',
  'ParallelStateSucceeded',
  'ParallelStateFailed',
  'ParallelStateAborted',
  'MapStateEntered',
  'MapStateExited',
  'MapStateStarted',
  'MapStateSucceeded',
  'MapStateFailed',
  'MapStateAborted',
  'MapIterationStarted',
  'MapIterationSucceeded',
  'MapIterationFailed',
  'MapIterationAborted',
  'MapRunStarted',
  'MapRunSucceeded',
  'MapRunFailed',
] as const;
export type HistoryEventType = (typeof historyEventTypes)[number];

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  /** UTC ISO-8601. */
  timestamp: string;
  type: HistoryEventType;
  details: Record<string, Json>;
}

export class Recorder {
  private pending: HistoryEvent[] = [];
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly snapshot: ExecutionSnapshot,
    private readonly collaborators: Collaborators,
  ) {}

  /** Appends an event after the machine's last one and makes it that machine's last event. */
  emit(machine: MachineRun | null, type: HistoryEventType, details: Record<string, Json> = {}): HistoryEvent {
    const id = this.snapshot.nextEventId++;
    const previousEventId = machine ? machine.lastEventId : this.snapshot.lastEventId;
    const event: HistoryEvent = {
      id,
      previousEventId,
      timestamp: new Date(this.collaborators.now()).toISOString(),
      type,
      details,
    };
    if (machine) machine.lastEventId = id;
    this.snapshot.lastEventId = id;
    if (this.collaborators.appendHistory) this.pending.push(event);
    return event;
  }

  /**
   * Flushes the buffered events, then hands a copy of the snapshot to onCheckpoint. The copy is
   * taken now, synchronously, so it matches exactly the events flushed with it.
   */
  checkpoint(): Promise<void> {
    const { appendHistory, onCheckpoint } = this.collaborators;
    if (!appendHistory && !onCheckpoint) return Promise.resolve();
    const events = this.pending;
    this.pending = [];
    const copy = onCheckpoint ? structuredClone(this.snapshot) : null;
    this.flushing = this.flushing.then(async () => {
      if (appendHistory && events.length > 0) await appendHistory(events);
      if (onCheckpoint && copy) await onCheckpoint(copy);
    });
    return this.flushing;
  }
}
