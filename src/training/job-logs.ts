/**
 * Each job's log is a file under SLIPWAY_HOME/logs; followers poll it for growth until the job ends
 * (polling is portable and cheap at this rate; fs.watch is unreliable on some filesystems).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';

export class JobLogs {
  constructor(private readonly folder: string) {}

  pathOf(name: string): string {
    return join(this.folder, `${name}.log`);
  }

  async writer(name: string): Promise<WriteStream> {
    await mkdir(this.folder, { recursive: true });
    return createWriteStream(this.pathOf(name), { flags: 'a' });
  }

  /**
   * The log as a stream; with `follow`, it keeps streaming new lines until `isDone()` says the job
   * has ended and everything written has been sent.
   */
  read(
    name: string,
    options: { follow: boolean; isDone: () => Promise<boolean>; signal?: AbortSignal },
  ): Readable {
    const path = this.pathOf(name);
    let offset = 0;
    const pollMs = 200;
    return Readable.from(
      (async function* () {
        for (;;) {
          const size = (await stat(path).catch(() => undefined))?.size ?? 0;
          if (size > offset) {
            const handle = await open(path, 'r');
            try {
              const buffer = Buffer.alloc(size - offset);
              await handle.read(buffer, 0, buffer.length, offset);
              offset = size;
              yield buffer;
            } finally {
              await handle.close();
            }
            continue;
          }
          if (!options.follow || options.signal?.aborted) return;
          // Check "done" before the final read, so lines written just before the end are not lost.
          const done = await options.isDone();
          if (done) {
            const finalSize = (await stat(path).catch(() => undefined))?.size ?? 0;
            if (finalSize > offset) continue;
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, pollMs));
        }
      })(),
    );
  }
}
