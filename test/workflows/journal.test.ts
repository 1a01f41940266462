/** The write-behind journal: few transactions per burst, and what is stored is always consistent. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { passChoiceChain } from '../../bench/asl-bench.ts';
import { Store } from '../../src/store/store.ts';
import {
  type Collaborators,
  createExecution,
  type ExecutionSnapshot,
  resumeExecution,
  systemCollaborators,
} from '../../src/workflows/asl/index.ts';
import { HistoryStore } from '../../src/workflows/store/history-store.ts';
import { ExecutionJournal } from '../../src/workflows/store/journal.ts';
import { databaseBackends, type TestDatabase } from '../helpers/databases.ts';

const noTasks: Collaborators = { ...systemCollaborators, invokeTask: async () => null };

for (const backend of databaseBackends()) {
  describe(`execution journal (${backend.name})`, () => {
    let db: TestDatabase;
    let store: Store;
    let history: HistoryStore;
    before(async () => {
      db = await backend.create();
      store = await Store.open(db.url);
      history = new HistoryStore(store);
    });
    after(async () => {
      await store.close();
      await db.cleanup();
    });

    it('groups a burst of transitions into a few transactions and stores a gap-free history', async () => {
      const definition = passChoiceChain(400);
      const snapshot = createExecution({ definition, name: 'burst', collaborators: noTasks });
      await history.write('burst', [], snapshot);
      const journal = new ExecutionJournal(history, 'burst');
      const result = await resumeExecution({
        definition,
        snapshot,
        collaborators: {
          ...noTasks,
          appendHistory: journal.appendHistory,
          onCheckpoint: journal.onCheckpoint,
        },
      });
      await journal.flush();
      assert.equal(result.status, 'SUCCEEDED');
      assert.ok(journal.writes < 100, `${journal.writes} transactions for 802 checkpoints`);
      const events = await history.events('burst', { limit: 10_000 });
      assert.deepEqual(
        events.map((e) => e.id),
        Array.from({ length: result.snapshot.nextEventId - 1 }, (_, i) => i + 1),
      );
      const stored = (await history.snapshot('burst')) as ExecutionSnapshot;
      assert.equal(stored.status, 'SUCCEEDED');
      assert.equal(stored.nextEventId, result.snapshot.nextEventId);
    });

    it('never stores events beyond the snapshot that covers them, at any point of a run', async () => {
      const definition = passChoiceChain(60);
      const snapshot = createExecution({ definition, name: 'watched', collaborators: noTasks });
      await history.write('watched', [], snapshot);
      const journal = new ExecutionJournal(history, 'watched', { groupCommitMs: 0 });
      const checks: Promise<void>[] = [];
      const check = async () => {
        // One statement, so snapshot and events are seen as of one commit on both databases
        // (PostgreSQL's READ COMMITTED gives each statement of a transaction its own snapshot).
        const row = await store.db
          .selectFrom('execution_snapshots')
          .select((eb) => [
            'next_event_id',
            eb
              .selectFrom('execution_history')
              .select((inner) => inner.fn.countAll().as('count'))
              .where('execution', '=', 'watched')
              .as('count'),
            eb
              .selectFrom('execution_history')
              .select((inner) => inner.fn.max('id').as('max'))
              .where('execution', '=', 'watched')
              .as('max'),
          ])
          .where('execution', '=', 'watched')
          .executeTakeFirstOrThrow();
        assert.equal(Number(row.count), Number(row.next_event_id) - 1);
        assert.equal(Number(row.max ?? 0), Number(row.next_event_id) - 1);
      };
      await resumeExecution({
        definition,
        snapshot,
        collaborators: {
          ...noTasks,
          appendHistory: journal.appendHistory,
          onCheckpoint: (s) => {
            checks.push(check());
            return journal.onCheckpoint(s);
          },
        },
      });
      await journal.flush();
      const outcomes = await Promise.allSettled(checks);
      for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
      assert.ok(checks.length > 100);
    });
  });
}
