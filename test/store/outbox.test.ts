/**
 * The outbox and durable consumers, over every store backend: events written in a transaction,
 * consumers that start at the head, resume from their cursor after a crash (at least once), share
 * one cursor between replicas (each event handled once), retry a failing handler and then skip its
 * event, and never pass an event whose transaction commits after a later one's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SlipwayEvent } from '../../src/core/events.ts';
import { Store } from '../../src/store/store.ts';
import { databaseBackends, type TestDatabase } from '../helpers/databases.ts';
import { eventBusOf } from '../helpers/events.ts';
import { waitFor } from '../helpers/wait.ts';

const quick = { pollMs: 20, retryDelayMs: 1 };

for (const backend of databaseBackends()) {
  describe(`outbox on ${backend.name}`, () => {
    let database: TestDatabase;
    let store: Store;
    let second: Store;

    before(async () => {
      database = await backend.create();
      store = await Store.open(database.url);
      // A second connection pool: on PostgreSQL, as another replica would have.
      second = await Store.open(database.url);
    });
    after(async () => {
      await second.close();
      await store.close();
      await database.cleanup();
    });

    test('a new consumer starts at the head; later events reach it once each, in order', async () => {
      const bus = eventBusOf(store);
      await bus.publish({ resource: 'model/old', type: 'head.before' });
      const seen: string[] = [];
      const consumer = bus.consume({
        name: 'head-test',
        patterns: ['head.*'],
        handle: (event) => void seen.push(event.resource),
        ...quick,
      });
      assert.equal(await consumer.poll(), 0, 'the first claim places the cursor at the head');
      await store.transaction(async (tx) => {
        await bus.publish({ resource: 'model/a', type: 'head.one', tx });
        await bus.publish({ resource: 'model/b', type: 'other.kind', tx });
        await bus.publish({ resource: 'model/c', type: 'head.two', tx });
      });
      await bus.publish({ resource: 'model/d', type: 'head.three' });
      consumer.start();
      await waitFor(() => seen.length >= 3, { what: 'three events' });
      await consumer.close();
      assert.deepEqual(seen, ['model/a', 'model/c', 'model/d']);
    });

    test('an event of a rolled-back transaction is never delivered', async () => {
      const bus = eventBusOf(store);
      const seen: string[] = [];
      const consumer = bus.consume({
        name: 'rollback-test',
        patterns: ['*'],
        handle: (event) => void seen.push(event.type),
        ...quick,
      });
      await consumer.poll();
      await assert.rejects(
        store.transaction(async (tx) => {
          await bus.publish({ resource: 'model/x', type: 'rolled.back', tx });
          throw new Error('abandon');
        }),
        /abandon/,
      );
      await bus.publish({ resource: 'model/y', type: 'kept' });
      while ((await consumer.poll()) > 0);
      await consumer.close();
      assert.deepEqual(seen, ['kept']);
    });

    test('a consumer that dies mid-event: its successor gets the event again, then goes on', async () => {
      const bus = eventBusOf(store, 'replica-dies');
      const heard: string[] = [];
      let hang = true;
      const first = bus.consume({
        name: 'crash-test',
        patterns: ['crash.*'],
        leaseMs: 200,
        handle: (event) => {
          heard.push(`first:${event.type}`);
          // The process "dies" here: the handler never returns and the cursor never moves.
          if (hang) return new Promise<void>(() => {});
        },
        ...quick,
      });
      await first.poll();
      await bus.publish({ resource: 'x/1', type: 'crash.one' });
      await bus.publish({ resource: 'x/2', type: 'crash.two' });
      void first.poll();
      await waitFor(() => heard.length === 1, { what: 'the first delivery' });
      hang = false;
      const successor = eventBusOf(second, 'replica-after').consume({
        name: 'crash-test',
        patterns: ['crash.*'],
        leaseMs: 200,
        handle: (event) => void heard.push(`successor:${event.type}`),
        ...quick,
      });
      successor.start();
      await waitFor(() => heard.length === 3, { what: 'the redelivery once the lease expired' });
      await successor.close();
      assert.deepEqual(heard, ['first:crash.one', 'successor:crash.one', 'successor:crash.two']);
    });

    test('two replicas on one cursor: every event handled exactly once', async () => {
      const counts = new Map<number, number>();
      const handle = (event: SlipwayEvent) => void counts.set(event.id, (counts.get(event.id) ?? 0) + 1);
      const buses = [eventBusOf(store, 'replica-a'), eventBusOf(second, 'replica-b')];
      const consumers = buses.map((bus) =>
        bus.consume({ name: 'shared', patterns: ['shared.*'], handle, ...quick }),
      );
      await consumers[0]!.poll();
      for (const consumer of consumers) consumer.start();
      const published: number[] = [];
      for (let i = 0; i < 40; i++) {
        const bus = buses[i % 2]!;
        published.push((await bus.publish({ resource: `r/${i}`, type: 'shared.event' })).id);
      }
      await waitFor(() => published.every((id) => counts.has(id)), { what: 'all 40 events' });
      await Promise.all(consumers.map((consumer) => consumer.close()));
      assert.deepEqual(
        published.map((id) => counts.get(id)),
        published.map(() => 1),
      );
    });

    test('a lease is handed over at close, without waiting for it to expire', async () => {
      const seen: string[] = [];
      const make = (store_: Store, owner: string) =>
        eventBusOf(store_, owner).consume({
          name: 'handover',
          patterns: ['handover.*'],
          leaseMs: 60_000,
          handle: (event) => void seen.push(`${owner}:${event.resource}`),
          ...quick,
        });
      const a = make(store, 'replica-a');
      const b = make(second, 'replica-b');
      await a.poll();
      await eventBusOf(store).publish({ resource: 'h/1', type: 'handover.x' });
      assert.equal(await b.poll(), 0, 'b cannot read while a holds the lease');
      await a.poll();
      await a.close();
      await eventBusOf(store).publish({ resource: 'h/2', type: 'handover.x' });
      assert.equal(await b.poll(), 1);
      await b.close();
      assert.deepEqual(seen, ['replica-a:h/1', 'replica-b:h/2']);
    });

    test('a failing handler is retried; one that never succeeds is skipped and the next event still arrives', async () => {
      const bus = eventBusOf(store);
      const attempts = new Map<string, number>();
      const done: string[] = [];
      const consumer = bus.consume({
        name: 'retry-test',
        patterns: ['retry.*'],
        attempts: 3,
        handle: (event) => {
          const n = (attempts.get(event.resource) ?? 0) + 1;
          attempts.set(event.resource, n);
          if (event.resource === 'always' || n < 3) throw new Error(`attempt ${n} fails`);
          done.push(event.resource);
        },
        ...quick,
      });
      await consumer.poll();
      await bus.publish({ resource: 'twice', type: 'retry.x' });
      await bus.publish({ resource: 'always', type: 'retry.x' });
      await bus.publish({ resource: 'after', type: 'retry.x' });
      consumer.start();
      await waitFor(() => done.includes('after'), { what: 'the event after the skipped one' });
      await consumer.close();
      assert.deepEqual(done, ['twice', 'after']);
      assert.deepEqual(Object.fromEntries(attempts), { twice: 3, always: 3, after: 3 });
    });

    test('an event whose transaction commits late is not passed by a later one', async () => {
      const bus = eventBusOf(store);
      const seen: string[] = [];
      const consumer = eventBusOf(second).consume({
        name: 'order-test',
        patterns: ['order.*'],
        handle: (event) => void seen.push(event.resource),
        ...quick,
      });
      await consumer.poll();
      let commitEarly!: () => void;
      const held = new Promise<void>((resolve) => (commitEarly = resolve));
      let inserted!: () => void;
      const written = new Promise<void>((resolve) => (inserted = resolve));
      // The slow transaction writes its event first (it gets the lower id), then waits.
      const slow = store.transaction(async (tx) => {
        await bus.publish({ resource: 'slow', type: 'order.x', tx });
        inserted();
        await held;
      });
      await written;
      if (backend.name === 'postgres') {
        // PostgreSQL lets another transaction commit meanwhile; SQLite has one writer at a time.
        await eventBusOf(second).publish({ resource: 'fast', type: 'order.x' });
        await consumer.poll();
        assert.deepEqual(seen, [], 'nothing is delivered past a transaction still running');
      }
      commitEarly();
      await slow;
      if (backend.name !== 'postgres') await bus.publish({ resource: 'fast', type: 'order.x' });
      while ((await consumer.poll()) > 0);
      await consumer.close();
      assert.deepEqual(seen, ['slow', 'fast']);
    });
  });
}
