/**
 * Artifacts in a local folder. Writes go to a hidden temporary file in the target folder, are
 * flushed, then renamed into place: rename within a folder is atomic, so a crash or a failed source
 * stream never leaves a partial object under the real name.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { randomSecret } from '../../core/ids.ts';
import type { ArtifactStore, ObjectInfo, StoredObject } from '../artifact-store.ts';
import { ArtifactErrors } from '../errors.ts';
import { HashingStream } from '../hash.ts';
import { checkKey, checkPrefix, temporaryMarker } from '../keys.ts';
import { removeStaleTemporaries } from '../stale-temporaries.ts';

export class FileArtifactStore implements ArtifactStore {
  readonly rootUri: string;
  private readonly root: string;

  constructor(rootUri: string) {
    // Trailing slashes go, except the one that is the file system's root.
    this.root = fileURLToPath(rootUri).replace(/(.)\/+$/, '$1');
    this.rootUri = pathToFileURL(this.root).href.replace(/\/?$/, '/');
  }

  uriOf(key: string): string {
    return pathToFileURL(this.pathOf(key)).href;
  }

  private pathOf(key: string): string {
    return join(this.root, ...checkKey(key).split('/').filter(Boolean));
  }

  async put(key: string, body: Readable | Buffer | string): Promise<StoredObject> {
    const target = this.pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    const temporary = join(dirname(target), `${temporaryMarker}${randomSecret(6)}-${basename(target)}`);
    const hashing = new HashingStream();
    const source =
      typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([Buffer.from(body)]) : body;
    try {
      await pipeline(source, hashing, createWriteStream(temporary, { mode: 0o644 }));
      const handle = await open(temporary, 'r');
      await handle.sync();
      await handle.close();
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return { key, uri: this.uriOf(key), size: hashing.size, sha256: hashing.digest() };
  }

  putFile(key: string, path: string): Promise<StoredObject> {
    return this.put(key, createReadStream(path));
  }

  async get(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) throw ArtifactErrors.notFound({ uri: this.uriOf(key) });
    return createReadStream(path);
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const info = await stat(this.pathOf(key)).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    return { key, uri: this.uriOf(key), size: info.size, modifiedAt: info.mtimeMs };
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    checkPrefix(prefix);
    // List from the deepest folder the prefix names, then filter by the rest of the prefix.
    const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const start = join(this.root, ...folder.split('/').filter(Boolean));
    const found: ObjectInfo[] = [];
    await this.walk(start, async (path) => {
      const key = relative(this.root, path).split(sep).join('/');
      if (!key.startsWith(prefix)) return;
      const info = await stat(path);
      found.push({ key, uri: pathToFileURL(path).href, size: info.size, modifiedAt: info.mtimeMs });
    });
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private async walk(folder: string, visit: (path: string) => Promise<void>): Promise<void> {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.name.startsWith(temporaryMarker)) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await this.walk(path, visit);
      else if (entry.isFile()) await visit(path);
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  sweepTemporaries(): Promise<number> {
    return removeStaleTemporaries({
      folder: this.root,
      isTemporary: (name) => name.startsWith(temporaryMarker),
      recursive: true,
    });
  }
}
