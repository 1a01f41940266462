/**
 * The event bus. Every event is a row in the outbox, written by the transaction that changes the
 * resource it is about, so it survives restarts and can be listed. Two kinds of delivery:
 * `consume` runs a durable consumer (at least once, from a cursor, one replica at a time, events of
 * every replica; src/core/event-consumer.ts), for work that must not be lost; `subscribe` hears this
 * process's events once they commit (at most once), for logs and wake-ups that re-read state.
 */
import type { Clock } from './clock.ts';
import { EventConsumer, type EventConsumerOptions } from './event-consumer.ts';
import { compileGlob } from './glob.ts';
import type { Logger } from './logging.ts';

export interface SlipwayEvent {
  id: number;
  time: number;
  /** The resource it is about, e.g. `training-job/penguins-1`. */
  resource: string;
  /** Dotted type, e.g. `training-job.status-changed`, `model-package.approved`. */
  type: string;
  detail: Record<string, unknown>;
}

/** Where an event stands in delivery order: the writing transaction, then the id. */
export interface EventPosition {
  tx: number;
  id: number;
}

/** What the bus needs of a transaction: to hear that it committed. */
export interface CommitHook {
  afterCommit(work: () => void): void;
}

/** The outbox the bus writes to and consumers read from (the store implements it). */
export interface EventLog {
  append(
    event: { time: number; resource: string; type: string; detail: Record<string, unknown> },
    tx?: CommitHook,
  ): Promise<number>;
  list(options: {
    afterId?: number;
    type?: string;
    resource?: string;
    limit?: number;
  }): Promise<SlipwayEvent[]>;
  after(position: EventPosition, limit: number): Promise<Array<SlipwayEvent & EventPosition>>;
  claim(options: { consumer: string; owner: string; leaseMs: number }): Promise<EventPosition | null>;
  advance(options: { consumer: string; owner: string; position: EventPosition }): Promise<boolean>;
  release(options: { consumer: string; owner: string }): Promise<void>;
}

export type EventHandler = (event: SlipwayEvent) => void | Promise<void>;

interface Subscription {
  matches: (type: string) => boolean;
  handler: EventHandler;
}

export class EventBus {
  private readonly subscriptions = new Set<Subscription>();
  private readonly consumers = new Set<EventConsumer>();

  constructor(
    private readonly log: EventLog,
    private readonly options: {
      clock: Clock;
      /** The replica's identity, as the owner of consumer leases. */
      owner: string;
      logger: Logger;
    },
  ) {}

  /** `*` in the pattern matches any run of characters (`training-job.*`, `*.approved`). Returns a function that unsubscribes. */
  subscribe(pattern: string, handler: EventHandler): () => void {
    const subscription = { matches: compileGlob(pattern), handler };
    this.subscriptions.add(subscription);
    return () => this.subscriptions.delete(subscription);
  }

  /**
   * A durable consumer of events whose type matches one of `patterns`, under a name that is its identity
   * across restarts and replicas: it starts at the newest event the first time, and afterwards
   * goes on from where it stopped. It runs once `start` is called; its handler must be idempotent.
   */
  consume(options: Omit<EventConsumerOptions, 'log' | 'owner' | 'logger'>): EventConsumer {
    const consumer = new EventConsumer({
      ...options,
      log: this.log,
      owner: this.options.owner,
      logger: this.options.logger.child({ consumer: options.name }),
    });
    this.consumers.add(consumer);
    const unsubscribes = options.patterns.map((pattern) => this.subscribe(pattern, () => consumer.wake()));
    consumer.onClose(() => {
      for (const unsubscribe of unsubscribes) unsubscribe();
      this.consumers.delete(consumer);
    });
    return consumer;
  }

  /** Writes the event; in a transaction it is written by it and heard here once it commits. */
  async publish(options: {
    resource: string;
    type: string;
    detail?: Record<string, unknown>;
    tx?: CommitHook;
  }): Promise<SlipwayEvent> {
    const time = this.options.clock.now();
    const detail = options.detail ?? {};
    const fields = { time, resource: options.resource, type: options.type, detail };
    const id = await this.log.append(fields, options.tx);
    const event: SlipwayEvent = { id, ...fields };
    if (options.tx) options.tx.afterCommit(() => this.deliver(event));
    else this.deliver(event);
    return event;
  }

  /** Events after `afterId`, oldest first: for listing the log. */
  list(options: {
    afterId?: number;
    type?: string;
    resource?: string;
    limit?: number;
  }): Promise<SlipwayEvent[]> {
    return this.log.list(options);
  }

  /** Stops every consumer (each gives its lease up). */
  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.close()));
  }

  private deliver(event: SlipwayEvent): void {
    for (const subscription of this.subscriptions) {
      if (!subscription.matches(event.type)) continue;
      // A subscriber's failure must not break the publisher nor the other subscribers.
      Promise.resolve()
        .then(() => subscription.handler(event))
        .catch((error) =>
          this.options.logger.error(
            { err: error, event: event.type, resource: event.resource },
            'event subscriber failed',
          ),
        );
    }
  }
}
