/**
 * PostgreSQL ends a connection the pool holds idle (a server restart, a failover, an operator's
 * pg_terminate_backend): the process must not die of it, and the next query must work.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { Store } from '../../src/store/store.ts';
import { databaseBackends } from '../helpers/databases.ts';

const postgres = databaseBackends().find((backend) => backend.name === 'postgres');

test('an idle pooled connection ended by the server is reported and replaced', {
  skip: !postgres && 'no PostgreSQL (set SLIPWAY_TEST_DATABASE_URL)',
}, async () => {
  const database = await postgres!.create();
  const reported: Error[] = [];
  const store = await Store.open(database.url, undefined, (error) => reported.push(error));
  const uncaught: Error[] = [];
  const onUncaught = (error: Error) => uncaught.push(error);
  process.on('uncaughtException', onUncaught);
  try {
    await store.db.selectFrom('resources').select('name').execute();
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    const ended = await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    await admin.end();
    assert.ok(ended.rowCount! >= 1, 'the pool held a connection to end');
    // The pool hears of it when the server's message arrives.
    for (let i = 0; i < 50 && reported.length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(uncaught, []);
    assert.equal(reported.length, 1);
    assert.match(reported[0]!.message, /terminating connection/);
    const rows = await store.db.selectFrom('resources').select('name').execute();
    assert.deepEqual(rows, []);
  } finally {
    process.off('uncaughtException', onUncaught);
    await store.close();
    await database.cleanup();
  }
});
