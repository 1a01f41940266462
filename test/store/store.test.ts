/** The store conformance suite: the same cases over every backend in databaseBackends(). */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Store } from '../../src/store/store.ts';
import { databaseBackends, type TestDatabase } from '../helpers/databases.ts';
import { eventBusOf } from '../helpers/events.ts';
import { namesField } from '../helpers/wait.ts';

const kind = 'training-job';
const arn = (name: string) => `arn:slipway:sagemaker:local:000000000000:training-job/${name}`;

for (const backend of databaseBackends()) {
  describe(`store on ${backend.name}`, () => {
    let database: TestDatabase;
    let store: Store;

    before(async () => {
      database = await backend.create();
      store = await Store.open(database.url);
    });
    after(async () => {
      await store.close();
      await database.cleanup();
    });

    const create = (name: string, spec: unknown = { trainingJobName: name }, phase = 'InProgress') =>
      store.createResource({ kind, name, arn: arn(name), spec, status: { trainingJobStatus: phase }, phase });

    test('creates, reads back spec and status, and refuses a duplicate name', async () => {
      const created = await create('job-a', { trainingJobName: 'job-a', hyperParameters: { C: '1.0' } });
      assert.equal(created.version, 1);
      const read = await store.getResource<{ hyperParameters: Record<string, string> }, unknown>({
        kind,
        name: 'job-a',
      });
      assert.deepEqual(read?.spec.hyperParameters, { C: '1.0' });
      assert.equal(read?.arn, arn('job-a'));
      await assert.rejects(create('job-a'), { code: 'SLIPWAY_ALREADY_EXISTS', kind: 'conflict' });
      assert.equal(
        await store.getResource({ kind: 'endpoint', name: 'job-a' }),
        undefined,
        'names are per kind',
      );
    });

    test('concurrent updates of one version: exactly one wins, the other gets a conflict', async () => {
      const record = await create('job-race');
      const attempts = await Promise.allSettled(
        [1, 2, 3, 4].map((n) =>
          store.updateResource({
            kind,
            name: 'job-race',
            expectedVersion: record.version,
            status: { writer: n },
          }),
        ),
      );
      const won = attempts.filter((a) => a.status === 'fulfilled');
      const lost = attempts.filter((a) => a.status === 'rejected') as PromiseRejectedResult[];
      assert.equal(won.length, 1);
      assert.equal(lost.length, 3);
      for (const loss of lost) assert.equal(loss.reason.code, 'SLIPWAY_VERSION_CONFLICT');
      const final = await store.requireResource<unknown, { writer: number }>({ kind, name: 'job-race' });
      assert.equal(final.version, 2);
      assert.deepEqual(final.status, (won[0] as PromiseFulfilledResult<{ status: unknown }>).value.status);
    });

    test('mutateResource retries on conflict so no concurrent write is lost', async () => {
      await store.createResource({
        kind,
        name: 'counter',
        arn: arn('counter'),
        spec: {},
        status: { n: 0 },
        phase: 'InProgress',
      });
      await Promise.all(
        Array.from({ length: 8 }, () =>
          store.mutateResource<unknown, { n: number }>({
            kind,
            name: 'counter',
            change: (record) => ({ status: { n: record.status.n + 1 } }),
            attempts: 50,
          }),
        ),
      );
      const final = await store.requireResource<unknown, { n: number }>({ kind, name: 'counter' });
      assert.equal(final.status.n, 8);
    });

    test('lists newest first with paging, phase filter and name prefix', async () => {
      const k = 'endpoint';
      for (let i = 0; i < 7; i++) {
        await store.createResource({
          kind: k,
          name: `ep-${i}`,
          arn: arn(`ep-${i}`),
          spec: {},
          status: {},
          phase: i % 2 ? 'InService' : 'Creating',
        });
      }
      const seen: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await store.listResources({ kind: k, limit: 3, nextToken });
        assert.ok(page.items.length <= 3);
        seen.push(...page.items.map((item) => item.name));
        nextToken = page.nextToken;
      } while (nextToken);
      assert.equal(seen.length, 7);
      assert.equal(new Set(seen).size, 7, 'no item twice across pages');
      const inService = await store.listResources({ kind: k, phase: 'InService' });
      assert.deepEqual(inService.items.map((i) => i.name).sort(), ['ep-1', 'ep-3', 'ep-5']);
      const prefixed = await store.listResources({ kind: k, namePrefix: 'ep-4' });
      assert.deepEqual(
        prefixed.items.map((i) => i.name),
        ['ep-4'],
      );
      const contains = await store.listResources({ kind: k, nameContains: 'P-3' });
      assert.deepEqual(
        contains.items.map((i) => i.name),
        ['ep-3'],
        'case-insensitive substring',
      );
      assert.deepEqual(
        (await store.listResources({ kind: k, nameContains: '%' })).items,
        [],
        '% is a character, not a wildcard',
      );
      assert.deepEqual(
        (await store.listResources({ kind: k, nameContains: 'ep_' })).items,
        [],
        '_ is a character, not a wildcard',
      );
      await assert.rejects(store.listResources({ kind: k, nextToken: 'garbage!' }), namesField('nextToken'));
      await assert.rejects(store.listResources({ kind: k, limit: 0 }), namesField('limit'));
    });

    test('a failed transaction leaves nothing behind and runs no after-commit work', async () => {
      let delivered = false;
      await assert.rejects(
        store.transaction(async (tx) => {
          await store.createResource({
            kind,
            name: 'tx-doomed',
            arn: arn('tx-doomed'),
            spec: {},
            status: {},
            phase: 'InProgress',
            tx,
          });
          tx.afterCommit(() => {
            delivered = true;
          });
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await store.getResource({ kind, name: 'tx-doomed' }), undefined);
      assert.equal(delivered, false);
    });

    test('delete removes, and a second delete is not found', async () => {
      await create('job-gone');
      await store.deleteResource({ kind, name: 'job-gone' });
      assert.equal(await store.getResource({ kind, name: 'job-gone' }), undefined);
      await assert.rejects(store.deleteResource({ kind, name: 'job-gone' }), { code: 'SLIPWAY_NOT_FOUND' });
      await assert.rejects(store.updateResource({ kind, name: 'job-gone', status: {} }), {
        code: 'SLIPWAY_NOT_FOUND',
      });
    });

    test('leases: two owners claiming at once get disjoint work; an expired lease is taken over', async () => {
      const k = 'lease-test';
      for (let i = 0; i < 10; i++) {
        await store.createResource({
          kind: k,
          name: `w-${i}`,
          arn: arn(`w-${i}`),
          spec: {},
          status: {},
          phase: 'InProgress',
        });
      }
      const [a, b] = await Promise.all([
        store.claimResources({ kind: k, phases: ['InProgress'], owner: 'replica-a', leaseMs: 60_000 }),
        store.claimResources({ kind: k, phases: ['InProgress'], owner: 'replica-b', leaseMs: 60_000 }),
      ]);
      assert.equal(a.filter((name) => b.includes(name)).length, 0, 'no resource claimed twice');
      assert.equal(a.length + b.length, 10);
      const c = await store.claimResources({
        kind: k,
        phases: ['InProgress'],
        owner: 'replica-c',
        leaseMs: 60_000,
      });
      assert.deepEqual(c, [], 'all leases are held');
      const expired = await store.claimResources({
        kind: k,
        phases: ['InProgress'],
        owner: 'replica-d',
        leaseMs: -1,
      });
      assert.deepEqual(expired, []);
      // Owner a gives one back; then it can be claimed by someone else.
      await store.releaseResource({ kind: k, name: a[0] ?? b[0]!, owner: a[0] ? 'replica-a' : 'replica-b' });
      const taken = await store.claimResources({
        kind: k,
        phases: ['InProgress'],
        owner: 'replica-c',
        leaseMs: 60_000,
      });
      assert.deepEqual(taken, [a[0] ?? b[0]]);
    });

    test('events: persisted in order, delivered to matching subscribers after commit', async () => {
      const bus = eventBusOf(store);
      const received: string[] = [];
      const unsubscribe = bus.subscribe('model-package.*', (event) => {
        received.push(event.type);
      });
      await bus.publish({
        resource: 'model-package/g/1',
        type: 'model-package.created',
        detail: { version: 1 },
      });
      await bus.publish({ resource: 'training-job/x', type: 'training-job.completed' });
      await store.transaction(async (tx) => {
        await bus.publish({ resource: 'model-package/g/1', type: 'model-package.approved', tx });
        assert.deepEqual(received, ['model-package.created'], 'not delivered before commit');
      });
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(received, ['model-package.created', 'model-package.approved']);
      unsubscribe();
      const listed = await bus.list({ type: 'model-package.*' });
      assert.deepEqual(
        listed.map((e) => e.type),
        ['model-package.created', 'model-package.approved'],
      );
      assert.deepEqual(listed[0]!.detail, { version: 1 });
      const after = await bus.list({ afterId: listed[0]!.id, resource: 'model-package/g/1' });
      assert.deepEqual(
        after.map((e) => e.type),
        ['model-package.approved'],
      );
    });

    test('a restart (close and reopen) keeps every record and runs no migration twice', async () => {
      await create('job-survives', { trainingJobName: 'job-survives', hyperParameters: { epochs: '3' } });
      await store.close();
      store = await Store.open(database.url);
      const read = await store.requireResource<{ hyperParameters: Record<string, string> }, unknown>({
        kind,
        name: 'job-survives',
      });
      assert.equal(read.spec.hyperParameters.epochs, '3');
      const all = await store.listResources({ kind, limit: 1000 });
      assert.ok(all.items.length >= 4);
    });

    const embedded = backend.name === 'sqlite' && 'an embedded SQLite file belongs to one server';
    test('three replicas opening one empty database together all start, and migrate it once', {
      skip: embedded,
    }, async () => {
      const empty = await backend.create();
      try {
        const stores = await Promise.all([1, 2, 3].map(() => Store.open(empty.url)));
        const applied = await stores[0]!.db
          .selectFrom('slipway_migrations' as never)
          .select('name' as never)
          .execute();
        assert.equal(new Set(applied.map((row) => JSON.stringify(row))).size, applied.length);
        assert.ok(applied.length >= 4);
        await Promise.all(stores.map((opened) => opened.close()));
      } finally {
        await empty.cleanup();
      }
    });
  });
}
