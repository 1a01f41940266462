/**
 * The event bus: every event is a row in the store (so it survives restarts and can be listed),
 * then delivered in-process to subscribers whose pattern matches its type. An event published in
 * a transaction is delivered only after that transaction commits.
 */
import type { Store, Tx } from '../store/store.ts';
import { compileGlob } from './glob.ts';

export interface SlipwayEvent {
  id: number;
  time: number;
  /** The resource it is about, e.g. `training-job/penguins-1`. */
  resource: string;
  /** Dotted type, e.g. `training-job.status-changed`, `model-package.approved`. */
  type: string;
  detail: Record<string, unknown>;
}

export type EventHandler = (event: SlipwayEvent) => void | Promise<void>;

interface Subscription {
  matches: (type: string) => boolean;
  handler: EventHandler;
}

export class EventBus {
  private readonly subscriptions = new Set<Subscription>();

  constructor(
    private readonly store: Store,
    private readonly onHandlerError: (error: unknown, event: SlipwayEvent) => void = () => {},
  ) {}

  /** `*` in the pattern matches any run of characters (`training-job.*`, `*.approved`). Returns a function that unsubscribes. */
  subscribe(pattern: string, handler: EventHandler): () => void {
    const subscription = { matches: compileGlob(pattern), handler };
    this.subscriptions.add(subscription);
    return () => this.subscriptions.delete(subscription);
  }

  async publish(options: {
    resource: string;
    type: string;
    detail?: Record<string, unknown>;
    tx?: Tx;
  }): Promise<SlipwayEvent> {
    const time = this.store.clock.now();
    const detail = options.detail ?? {};
    const row = await this.store
      .executor(options.tx)
      .insertInto('events')
      .values({ time, resource: options.resource, type: options.type, detail: JSON.stringify(detail) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const event: SlipwayEvent = {
      id: Number(row.id),
      time,
      resource: options.resource,
      type: options.type,
      detail,
    };
    if (options.tx) options.tx.afterCommit(() => this.deliver(event));
    else this.deliver(event);
    return event;
  }

  /** Events after `afterId`, oldest first: for listing and for consumers catching up after a restart. */
  async list(options: {
    afterId?: number;
    type?: string;
    resource?: string;
    limit?: number;
  }): Promise<SlipwayEvent[]> {
    let query = this.store.db
      .selectFrom('events')
      .selectAll()
      .where('id', '>', options.afterId ?? 0);
    if (options.resource) query = query.where('resource', '=', options.resource);
    // Narrow by type in SQL (exact, or the part before the first `*`), so `limit` counts matches.
    const literal = options.type?.split('*')[0];
    if (options.type && !options.type.includes('*')) query = query.where('type', '=', options.type);
    else if (literal) query = query.where('type', '>=', literal).where('type', '<', `${literal}\uffff`);
    const rows = await query
      .orderBy('id')
      .limit(options.limit ?? 100)
      .execute();
    const matches = options.type ? compileGlob(options.type) : () => true;
    return rows
      .filter((row) => matches(row.type))
      .map((row) => ({
        id: Number(row.id),
        time: Number(row.time),
        resource: row.resource,
        type: row.type,
        detail: JSON.parse(row.detail),
      }));
  }

  private deliver(event: SlipwayEvent): void {
    for (const subscription of this.subscriptions) {
      if (!subscription.matches(event.type)) continue;
      // A subscriber's failure must not break the publisher nor the other subscribers.
      Promise.resolve()
        .then(() => subscription.handler(event))
        .catch((error) => this.onHandlerError(error, event));
    }
  }
}
