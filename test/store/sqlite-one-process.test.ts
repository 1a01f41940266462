/**
 * SQLite serves one process: a second Slipway process opening the same database is refused with
 * an error that says to use PostgreSQL, while stores of one process share the database, and a
 * lock left by a process that died is taken over.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Store } from '../../src/store/store.ts';
import { tempFolder } from '../helpers/temp.ts';

const folder = tempFolder('slipway-sqlite-lock-');
after(() => folder.cleanup());

const storeModule = pathToFileURL(join(import.meta.dirname, '../../src/store/store.ts')).href;

/** Opens the database in a child process: its exit status and what it printed. */
function openElsewhere(url: string) {
  const script = `import { Store } from ${JSON.stringify(storeModule)};
try { const store = await Store.open(${JSON.stringify(url)}); await store.close(); console.log('opened'); }
catch (error) { console.log(error.message); process.exitCode = 3; }`;
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
}

test('a second process is refused while the first has the database; after it closes, it opens', async () => {
  const url = `sqlite:${join(folder.path, 'one.db')}`;
  const first = await Store.open(url);
  const again = await Store.open(url); // The same process: shared.
  const refused = openElsewhere(url);
  assert.equal(refused.status, 3, refused.stderr);
  assert.match(refused.stdout, /another Slipway \(pid \d+\) is using this SQLite database/);
  assert.match(refused.stdout, /PostgreSQL/);
  await again.close();
  assert.ok(existsSync(join(folder.path, 'one.db.lock')), 'held while any store of the process is open');
  await first.close();
  assert.ok(!existsSync(join(folder.path, 'one.db.lock')));
  const later = openElsewhere(url);
  assert.equal(later.stdout.trim(), 'opened', later.stderr);
});

test('a lock left by a process that is gone is taken over', async () => {
  const path = join(folder.path, 'stale.db');
  const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  writeFileSync(`${path}.lock`, JSON.stringify({ pid: Number(gone.stdout.trim()), startedAt: '1' }));
  const store = await Store.open(`sqlite:${path}`);
  await store.close();
});
