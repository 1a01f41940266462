/**
 * Write-behind persistence of one running execution. The interpreter checkpoints after every
 * transition; writing each checkpoint in its own transaction would make a 1,000-state chain pay
 * 2,000 transactions, and copying a 10,000-item Map's snapshot per iteration would be quadratic.
 * So checkpoints are acknowledged on the next macrotask (concurrent ones coalesce in the
 * interpreter's recorder into one snapshot copy), and a single background writer stores the
 * latest snapshot together with every event it covers, one transaction per batch (group commit:
 * the writer waits `groupCommitMs` after the first unwritten checkpoint, so a burst of transitions
 * shares one transaction).
 *
 * Nothing that leaves the process happens before the state it depends on is stored: the
 * executions controller calls `flush()` before invoking a task and before sleeping (a Wait, a
 * retry interval), so a restart never re-enters a wait with a new deadline, forgets a retry, or
 * misses that a task was started. What a crash can lose is at most the last burst of pure
 * transitions (Pass, Choice), which the resumed run replays deterministically.
 */
import type { ExecutionSnapshot, HistoryEvent } from '../asl/index.ts';
import type { HistoryStore } from './history-store.ts';

export interface JournalOptions {
  /** Past this many unwritten events, checkpoints wait for the writer (backpressure). */
  maxPendingEvents?: number;
  /** How long the writer gathers checkpoints before a transaction (default 10 ms). */
  groupCommitMs?: number;
}

export class ExecutionJournal {
  private events: HistoryEvent[] = [];
  private snapshot: ExecutionSnapshot | null = null;
  private writing: Promise<void> | null = null;
  private error: unknown = null;
  private discarded = false;
  private readonly maxPendingEvents: number;
  private readonly groupCommitMs: number;
  private timer: NodeJS.Timeout | null = null;
  /** Number of write transactions made (for benchmarks and tests). */
  writes = 0;

  constructor(
    private readonly history: HistoryStore,
    private readonly execution: string,
    options: JournalOptions = {},
  ) {
    this.maxPendingEvents = options.maxPendingEvents ?? 20_000;
    this.groupCommitMs = options.groupCommitMs ?? 10;
  }

  /** The interpreter's appendHistory: buffers; written with the snapshot that covers them. */
  readonly appendHistory = (events: HistoryEvent[]): void => {
    for (const event of events) this.events.push(event);
  };

  /** The interpreter's onCheckpoint. */
  readonly onCheckpoint = (snapshot: ExecutionSnapshot): Promise<void> => {
    if (this.error) return Promise.reject(this.error);
    this.snapshot = snapshot;
    if (this.events.length > this.maxPendingEvents) return this.flush();
    this.schedule();
    return new Promise((resolve) => setImmediate(resolve));
  };

  /** Resolves once everything checkpointed so far is stored; rejects if a write failed. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      if (this.writing) {
        await this.writing;
        continue;
      }
      if (this.error) throw this.error;
      if (!this.snapshot || this.discarded) return;
      this.kick();
    }
  }

  /** Stops writing (the lease was lost: another replica owns the execution now). */
  discard(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.discarded = true;
    this.events = [];
    this.snapshot = null;
  }

  /** Starts the writer after the group-commit delay, unless it is already due or running. */
  private schedule(): void {
    if (this.timer || this.writing) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, this.groupCommitMs);
  }

  private kick(): void {
    if (this.writing || this.discarded || this.error || !this.snapshot) return;
    const done = this.drain();
    this.writing = done;
    done.finally(() => {
      if (this.writing === done) this.writing = null;
      // Checkpoints made during the write form the next group.
      if (this.snapshot) this.schedule();
    });
  }

  private async drain(): Promise<void> {
    try {
      if (this.snapshot && !this.discarded) {
        const snapshot = this.snapshot;
        this.snapshot = null;
        // Only the events the snapshot covers; later ones wait for the snapshot that covers them.
        const cut = this.events.findIndex((event) => event.id >= snapshot.nextEventId);
        const events = cut < 0 ? this.events : this.events.slice(0, cut);
        this.events = cut < 0 ? [] : this.events.slice(cut);
        await this.history.write(this.execution, events, snapshot);
        this.writes++;
      }
    } catch (error) {
      this.error = error;
    }
  }
}
