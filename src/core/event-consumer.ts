/**
 * A durable event consumer: reads the outbox from its own cursor, one replica at a time (a lease
 * on the cursor), and hands each event whose type matches its pattern to its handler, at least
 * once. The cursor moves past a batch of events only after their handlers returned, so a crash
 * re-delivers at most the batch in hand; handlers are written to be idempotent. A handler that keeps failing
 * is retried with a doubling delay, then the event is skipped and reported, so one bad event
 * cannot stop every later one.
 *
 * It polls (every `pollMs`, for events of other replicas) and is woken at once by events this
 * process publishes.
 */
import type { EventLog, EventPosition, SlipwayEvent } from './events.ts';
import { compileGlob } from './glob.ts';
import type { Logger } from './logging.ts';

export interface EventConsumerOptions {
  /** The consumer's identity across restarts and replicas; its cursor is stored under it. */
  name: string;
  /** Event types it handles; `*` matches any run of characters. */
  patterns: string[];
  handle: (event: SlipwayEvent) => Promise<void> | void;
  log: EventLog;
  owner: string;
  logger: Logger;
  pollMs?: number;
  leaseMs?: number;
  batchSize?: number;
  /** Attempts per event before it is skipped. */
  attempts?: number;
  /** The delay before the first retry; each later one doubles it. */
  retryDelayMs?: number;
}

export class EventConsumer {
  private readonly matches: (type: string) => boolean;
  private running: Promise<void> | null = null;
  private closed = false;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private readonly closers: Array<() => void> = [];

  constructor(private readonly options: EventConsumerOptions) {
    const globs = options.patterns.map((pattern) => compileGlob(pattern));
    this.matches = (type) => globs.some((matches) => matches(type));
  }

  get name(): string {
    return this.options.name;
  }

  start(): void {
    if (this.running || this.closed) return;
    this.running = this.loop();
  }

  /** New events may be waiting: stop idling. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  onClose(closer: () => void): void {
    this.closers.push(closer);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake();
    await this.running;
    for (const closer of this.closers) closer();
    await this.options.log
      .release({ consumer: this.options.name, owner: this.options.owner })
      .catch(() => {});
  }

  /**
   * One pass: claims the cursor, handles the next batch and moves the cursor past it. Returns
   * how many events were read (0 when another replica holds the cursor or nothing is new).
   */
  async poll(): Promise<number> {
    const { log, name, owner } = this.options;
    const position = await log.claim({ consumer: name, owner, leaseMs: this.leaseMs });
    if (!position) return 0;
    const events = await log.after(position, this.options.batchSize ?? 100);
    let handled: EventPosition | null = null;
    for (const event of events) {
      if (this.closed) break;
      // Closed or lost the lease while retrying: the event stays ahead of the cursor.
      if (this.matches(event.type) && !(await this.deliver(event))) break;
      handled = event;
    }
    if (handled) await log.advance({ consumer: name, owner, position: handled });
    return events.length;
  }

  private get leaseMs(): number {
    return this.options.leaseMs ?? 30_000;
  }

  private async loop(): Promise<void> {
    const batchSize = this.options.batchSize ?? 100;
    while (!this.closed) {
      this.woken = false;
      let read = 0;
      try {
        read = await this.poll();
      } catch (error) {
        this.options.logger.warn({ err: error }, 'could not read events; trying again');
      }
      if (read < batchSize) await this.idle(this.options.pollMs ?? 1000);
    }
  }

  /**
   * Runs the handler until it succeeds or its attempts are spent (then the event is reported and
   * skipped). False when the lease was lost while retrying: the new holder delivers the event.
   */
  private async deliver(event: SlipwayEvent): Promise<boolean> {
    const { log, name, owner } = this.options;
    const attempts = this.options.attempts ?? 5;
    let delay = this.options.retryDelayMs ?? 1000;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.handle(event);
        return true;
      } catch (error) {
        if (this.closed) return false;
        if (attempt >= attempts) {
          this.options.logger.error(
            { err: error, event: event.type, eventId: event.id, resource: event.resource, attempts },
            'an event consumer failed on an event and skips it',
          );
          return true;
        }
      }
      await this.idle(delay, { ignoreWake: true });
      delay *= 2;
      if (this.closed) return false;
      if (!(await log.claim({ consumer: name, owner, leaseMs: this.leaseMs }))) return false;
    }
  }

  /** Waits `ms`, or less when woken (by a new event, unless ignored, or by close). */
  private idle(ms: number, options: { ignoreWake?: boolean } = {}): Promise<void> {
    if (this.closed || (this.woken && !options.ignoreWake)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = () => {
        if (this.closed || !options.ignoreWake) done();
      };
    });
  }
}
