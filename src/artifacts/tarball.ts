/** tar.gz packing, as SageMaker's model.tar.gz and sourcedir.tar.gz. */
import { mkdir, readdir } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';

/** A gzip'd tar stream of everything inside `folder` (entries relative to it, as SageMaker packs). */
export async function packDirectory(folder: string): Promise<Readable> {
  const entries = await readdir(folder);
  // An empty model folder still makes a valid (empty) archive.
  if (entries.length === 0) entries.push('.');
  return tar.create({ gzip: true, cwd: folder, portable: true }, entries) as unknown as Readable;
}

/**
 * Unpacks a tar.gz stream into `folder`. node-tar refuses absolute paths and `..` entries and
 * links that point outside, so an archive cannot write outside `folder`.
 */
export async function unpackTo(archive: Readable, folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  await pipeline(archive, tar.extract({ cwd: folder, strict: true }));
}
