/**
 * Write-behind persistence of one running execution. The interpreter checkpoints after every
 * transition; writing each checkpoint in its own transaction would make a 1,000-state chain pay
 * 2,000 transactions, and copying a 10,000-item Map's snapshot per iteration would be quadratic.
 * So checkpoints are acknowledged on the next macrotask (concurrent ones coalesce in the
 * interpreter's recorder into one snapshot copy), and a single background writer stores the
 * latest snapshot together with every event it covers, one transaction per batch.
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
}

export class ExecutionJournal {
  private events: HistoryEvent[] = [];
  private snapshot: ExecutionSnapshot | null = null;
  private writing: Promise<void> | null = null;
  private error: unknown = null;
  private discarded = false;
  private readonly maxPendingEvents: number;
  /** Number of write transactions made (for benchmarks and tests). */
  writes = 0;

  constructor(
    private readonly history: HistoryStore,
    private readonly execution: string,
    options: JournalOptions = {},
  ) {
    this.maxPendingEvents = options.maxPendingEvents ?? 20_000;
  }

  /** The interpreter's appendHistory: buffers; written with the snapshot that covers them. */
  readonly appendHistory = (events: HistoryEvent[]): void => {
    for (const event of events) this.events.push(event);
  };

  /** The interpreter's onCheckpoint. */
  readonly onCheckpoint = (snapshot: ExecutionSnapshot): Promise<void> => {
    if (this.error) return Promise.reject(this.error);
    this.snapshot = snapshot;
    this.kick();
    if (this.events.length > this.maxPendingEvents) return this.flush();
    return new Promise((resolve) => setImmediate(resolve));
  };

  /** Resolves once everything checkpointed so far is stored; rejects if a write failed. */
  async flush(): Promise<void> {
    this.kick();
    while (this.writing) await this.writing;
    if (this.error) throw this.error;
  }

  /** Stops writing (the lease was lost: another replica owns the execution now). */
  discard(): void {
    this.discarded = true;
    this.events = [];
    this.snapshot = null;
  }

  private kick(): void {
    if (this.writing || this.discarded || this.error || !this.snapshot) return;
    const done = this.drain();
    this.writing = done;
    done.finally(() => {
      if (this.writing === done) this.writing = null;
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.snapshot && !this.discarded) {
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
