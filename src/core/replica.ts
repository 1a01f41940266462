/**
 * A replica's identity in leases: host, process id and a random part. It lets a restarted Slipway
 * on the same host see at once that a lease's holder is dead (its pid is gone) instead of waiting
 * for the lease to expire; leases of other hosts still expire normally.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { newId } from './ids.ts';

export function replicaIdentity(): string {
  return `${hostname()}:${process.pid}:${newId()}`;
}

/** True when `owner` was a process on this host that no longer runs. */
export function isDeadLocalOwner(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  // Several Slipways may share one process (tests do); none of them is dead.
  if (pid === process.pid) return false;
  return !processRunning(pid);
}

export function processRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie (exited, not yet reaped) still answers signal 0.
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return true;
  }
}

/** Field 22 of /proc/<pid>/stat; undefined when the process is gone. */
export function processStartTime(pid: number): string | undefined {
  try {
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const afterName = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()!;
    return afterName.split(' ')[19];
  } catch {
    return undefined;
  }
}
