/**
 * One process per SQLite database. SQLite's file locks keep the data safe, but Slipway's leases,
 * event cursors and in-memory caches assume the other writers are replicas on a shared server;
 * two Slipways on one file would fight over its write lock and stall each other. The first
 * process writes `<database>.lock` (its pid and start time); another is refused while that
 * process runs. A lock left by a dead process (or a reused pid) is taken over. Stores opened by
 * one process share the lock.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { CoreErrors } from '../../core/errors.ts';
import { processStartTime } from '../../core/replica.ts';

interface LockOwner {
  pid: number;
  startedAt?: string;
}

const held = new Map<string, number>();

/** Takes the lock on `databasePath`; the returned function gives it back. */
export function lockSqliteForProcess(databasePath: string): () => void {
  const path = `${databasePath}.lock`;
  if (!held.has(path)) acquire(path);
  held.set(path, (held.get(path) ?? 0) + 1);
  return () => {
    const count = (held.get(path) ?? 1) - 1;
    if (count > 0) return void held.set(path, count);
    held.delete(path);
    rmSync(path, { force: true });
  };
}

function acquire(path: string): void {
  const mine: LockOwner = { pid: process.pid, startedAt: processStartTime(process.pid) };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify(mine));
      closeSync(fd);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(path);
    if (owner && owner.pid !== process.pid && processStartTime(owner.pid) === owner.startedAt) {
      throw CoreErrors.config({
        key: 'databaseUrl',
        reason: `another Slipway (pid ${owner.pid}) is using this SQLite database; SQLite serves one process — give every replica a PostgreSQL databaseUrl instead`,
      });
    }
    rmSync(path, { force: true }); // Left by a process that is gone.
  }
  throw CoreErrors.config({ key: 'databaseUrl', reason: `could not take the lock ${path}` });
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
    return Number.isInteger(owner.pid) ? owner : undefined;
  } catch {
    return undefined;
  }
}
