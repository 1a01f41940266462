/**
 * Runs that must end with the Slipway that started them: model servers of endpoints and transform
 * jobs, which a restarted Slipway replaces with new ones instead of re-attaching. Each is written
 * to a ledger folder as it starts and removed as it ends. A Slipway killed outright leaves its
 * entries, and the next one to start on this host ends those runs — left alone they would keep
 * answering on their ports, without auth. A process group is ended only if its pid still is the
 * process recorded (same start time), so a reused pid is never hit; a container through its runtime.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isDeadLocalOwner, processStartTime } from '../core/replica.ts';
import type { RunHandle, Runtime } from './runtime.ts';

interface LedgerEntry {
  owner: string;
  runtime: string;
  id: string;
  pid?: number;
  /** The process's start time in clock ticks since boot, from /proc. */
  startedAt?: string;
}

export class RunLedger {
  private readonly owner = `${hostname()}:${process.pid}`;

  constructor(private readonly folder: string) {
    mkdirSync(folder, { recursive: true });
  }

  /** Records a started run until it exits. */
  record(runtime: Runtime, handle: RunHandle): void {
    const file = join(this.folder, `${encodeURIComponent(handle.id)}.json`);
    const entry: LedgerEntry = {
      owner: this.owner,
      runtime: runtime.name,
      id: handle.id,
      pid: handle.pid,
      startedAt: handle.pid ? processStartTime(handle.pid) : undefined,
    };
    writeFileSync(file, JSON.stringify(entry));
    void handle.exited.then(() => rmSync(file, { force: true }));
  }

  /** Ends the runs of Slipways on this host that are gone; returns their ids. */
  async reapOrphans(runtimes: ReadonlyMap<string, Runtime>): Promise<string[]> {
    const reaped: string[] = [];
    for (const name of readdirSync(this.folder)) {
      const file = join(this.folder, name);
      let entry: LedgerEntry;
      try {
        entry = JSON.parse(readFileSync(file, 'utf8')) as LedgerEntry;
      } catch {
        rmSync(file, { force: true }); // half-written by a Slipway killed mid-write
        continue;
      }
      if (!isDeadLocalOwner(entry.owner)) continue;
      if (entry.pid !== undefined) {
        if (entry.startedAt !== undefined && processStartTime(entry.pid) === entry.startedAt) {
          try {
            process.kill(-entry.pid, 'SIGKILL');
          } catch {
            // Ended meanwhile.
          }
        }
      } else await runtimes.get(entry.runtime)?.discard?.(entry.id);
      rmSync(file, { force: true });
      reaped.push(entry.id);
    }
    return reaped;
  }
}
