/**
 * Content hashes of what a URI names, for runs and lineage: the sha256 of an object, or for a
 * prefix (a folder) the sha256 over its sorted object list, one `key NUL sha256 LF` line per
 * object. Deterministic across machines and stores: the same bytes under the same relative keys
 * give the same hash whether they sit in a local folder or an S3 bucket.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Artifacts } from '../artifacts/artifacts.ts';
import { isSlipwayError } from '../core/errors.ts';

export interface HashedObject {
  key: string;
  sha256: string;
  size: number;
}

export interface UriHash {
  sha256: string;
  /** One entry for an object (key ''), every object for a prefix. */
  objects: HashedObject[];
}

/** Keys left out of code hashes: VCS internals and interpreter caches change without the code changing. */
export function isIncidentalCodeFile(key: string): boolean {
  return key.split('/').some((part) => part === '.git' || part === '__pycache__') || key.endsWith('.pyc');
}

export async function sha256OfStream(stream: Readable): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/**
 * Hashes what `uri` names; undefined when it names nothing (gone). `exclude` drops keys of a
 * prefix (for code: `isIncidentalCodeFile`).
 */
export async function hashUri(
  artifacts: Artifacts,
  uri: string,
  options: { field?: string; exclude?: (key: string) => boolean } = {},
): Promise<UriHash | undefined> {
  const field = options.field ?? 'uri';
  const single = artifacts.resolve(uri, field);
  if (single.key && (await single.store.head(single.key))) {
    const { sha256, size } = await sha256OfStream(await single.store.get(single.key));
    return { sha256, objects: [{ key: '', sha256, size }] };
  }
  const prefix = artifacts.storeFor(uri.replace(/\/*$/, '/'), field);
  let listed: Awaited<ReturnType<typeof prefix.list>>;
  try {
    listed = await prefix.list('');
  } catch (error) {
    if (isSlipwayError(error) && error.kind === 'not_found') return undefined;
    throw error;
  }
  const keys = listed
    .map((object) => object.key)
    .filter((key) => !options.exclude?.(key))
    .sort();
  if (keys.length === 0) return undefined;
  const total = createHash('sha256');
  const objects: HashedObject[] = [];
  for (const key of keys) {
    const { sha256, size } = await sha256OfStream(await prefix.get(key));
    objects.push({ key, sha256, size });
    total.update(`${key}\0${sha256}\n`);
  }
  return { sha256: total.digest('hex'), objects };
}

/** `ab12cd34…`: enough of a hash to tell two apart in a message. */
export function shortHash(sha256: string | undefined): string {
  return sha256 ? `${sha256.slice(0, 12)}…` : '(none)';
}
