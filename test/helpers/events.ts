/** An event bus over a test's store, as the app builds it. */
import { EventBus } from '../../src/core/events.ts';
import { createLogger } from '../../src/core/logging.ts';
import { Outbox } from '../../src/store/outbox.ts';
import type { Store } from '../../src/store/store.ts';

export function eventBusOf(store: Store, owner = 'test-replica'): EventBus {
  return new EventBus(new Outbox(store), { clock: store.clock, owner, logger: createLogger('silent') });
}
