/**
 * Temporary files a killed server left behind: a write in progress is a temporary file (or a
 * spool folder) renamed or removed when it ends, so one nobody has written to for a long while
 * belongs to a write that will never end. Each store sweeps its own at start.
 */
import type { Dirent } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Stale after an hour untouched: far longer than any pause in a live write. */
export const staleTemporaryMs = 60 * 60 * 1000;

/** When an entry was last written: for a folder, the newest of it and what it holds. */
async function lastWritten(path: string, entry: Dirent): Promise<number> {
  const own = (await stat(path)).mtimeMs;
  if (!entry.isDirectory()) return own;
  const inside = await readdir(path);
  const times = await Promise.all(inside.map(async (name) => (await stat(join(path, name))).mtimeMs));
  return Math.max(own, ...times);
}

/**
 * Removes the entries under `folder` that `isTemporary` names and nobody wrote to for
 * `olderThanMs`; with `recursive`, in every folder below too. Returns how many it removed.
 */
export async function removeStaleTemporaries(options: {
  folder: string;
  isTemporary: (name: string) => boolean;
  recursive: boolean;
  olderThanMs?: number;
}): Promise<number> {
  const cutoff = Date.now() - (options.olderThanMs ?? staleTemporaryMs);
  let removed = 0;
  const sweep = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (options.isTemporary(entry.name)) {
        // Gone or unreadable meanwhile: another sweeper or the write itself finished with it.
        const written = await lastWritten(path, entry).catch(() => Number.POSITIVE_INFINITY);
        if (written < cutoff) {
          await rm(path, { recursive: true, force: true });
          removed++;
        }
      } else if (options.recursive && entry.isDirectory()) await sweep(path);
    }
  };
  await sweep(options.folder);
  return removed;
}
