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
   * Flushes the buffered events, then hands a copy of the snapshot to onCheckpoint; resolves once
   * a snapshot at least as recent as this call is persisted. Calls made while a flush is in flight
   * are coalesced into one later flush (one copy instead of one per call): with hundreds of Map
   * iterations checkpointing at once this turns O(n) copies of an O(n) snapshot into a few. The
   * copy is taken synchronously when its flush starts, so it matches exactly the events sent
   * with it.
   */
  checkpoint(): Promise<void> {
    const { appendHistory, onCheckpoint } = this.collaborators;
    if (!appendHistory && !onCheckpoint) return Promise.resolve();
    if (this.inFlight) {
      this.next ??= this.inFlight.then(() => {
        this.next = null;
        return this.flush();
      });
      return this.next;
    }
    return this.flush();
  }

  private inFlight: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  private flush(): Promise<void> {
    const { appendHistory, onCheckpoint } = this.collaborators;
    const events = this.pending;
    this.pending = [];
    const copy = onCheckpoint ? structuredClone(this.snapshot) : null;
    const done = (async () => {
      if (appendHistory && events.length > 0) await appendHistory(events);
      if (onCheckpoint && copy) await onCheckpoint(copy);
    })();
    this.inFlight = done;
    const clear = () => {
      if (this.inFlight === done) this.inFlight = null;
    };
    done.then(clear, clear);
    return done;
  }
}
