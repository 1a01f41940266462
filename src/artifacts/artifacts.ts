/**
 * Resolves artifact URIs to stores. The default store (config `artifactsUrl`) holds what Slipway
 * writes; any other file:// or s3:// URI a user names (a channel, a model) is read through the same
 * backends, after the access check (`UriAccess`) has allowed it.
 */

import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import type { ArtifactStore, ObjectInfo } from './artifact-store.ts';
import { ArtifactErrors } from './errors.ts';
import { FileArtifactStore } from './file/file-store.ts';
import { checkKey } from './keys.ts';
import { S3ArtifactStore } from './s3/s3-store.ts';
import type { UriAccess } from './uri-access.ts';

export interface ArtifactsOptions {
  defaultUrl: string;
  s3Endpoint?: string;
  s3Region: string;
  /** Which URIs may be named; without it every URI is (for tools and tests that own the disk). */
  access?: UriAccess;
}

export interface ResolvedUri {
  store: ArtifactStore;
  /** The key inside the store; '' when the URI names the store's root. */
  key: string;
}

export class Artifacts {
  readonly defaultStore: ArtifactStore;
  private s3Client?: S3Client;

  constructor(private readonly options: ArtifactsOptions) {
    this.defaultStore = this.open(parseUri(options.defaultUrl, 'artifactsUrl'));
  }

  /** A store rooted at `uri`. */
  storeFor(uri: string, field = 'uri'): ArtifactStore {
    return this.open(this.checked(uri, field));
  }

  /** Splits a URI into its store root and key, so single objects can be read. */
  resolve(uri: string, field = 'uri'): ResolvedUri {
    const parsed = this.checked(uri, field);
    const slash = parsed.path.lastIndexOf('/');
    const folder = parsed.path.slice(0, Math.max(slash, 0));
    const key = parsed.path.slice(slash + 1);
    const root: ParsedUri =
      parsed.scheme === 'file' ? { scheme: 'file', path: folder || '/' } : { ...parsed, path: folder };
    return { store: this.open(root), key };
  }

  private checked(uri: string, field: string): ParsedUri {
    const parsed = parseUri(uri, field);
    this.options.access?.check(parsed, uri, field);
    return parsed;
  }

  private open(parsed: ParsedUri): ArtifactStore {
    if (parsed.scheme === 'file') return new FileArtifactStore(pathToFileURL(parsed.path).href);
    return new S3ArtifactStore(this.s3(), parsed.bucket, parsed.path);
  }

  /**
   * Copies what `uri` names into `folder`: the object itself, or every object under it when it is
   * a prefix (a folder). Returns the files written with their hashes-to-be-computed sizes.
   */
  async download(uri: string, folder: string, field = 'uri'): Promise<ObjectInfo[]> {
    const single = this.resolve(uri, field);
    if (single.key && (await single.store.head(single.key))) {
      const target = join(folder, single.key);
      await copyOut(single.store, single.key, target);
      return [{ ...(await single.store.head(single.key))!, key: single.key }];
    }
    const prefixStore = this.storeFor(uri.replace(/\/*$/, '/'), field);
    const objects = await prefixStore.list('');
    if (objects.length === 0) throw ArtifactErrors.notFound({ uri });
    for (const object of objects)
      await copyOut(prefixStore, object.key, join(folder, ...object.key.split('/')));
    return objects;
  }

  private s3(): S3Client {
    this.s3Client ??= new S3Client({
      region: this.options.s3Region,
      endpoint: this.options.s3Endpoint || undefined,
      forcePathStyle: Boolean(this.options.s3Endpoint),
    });
    return this.s3Client;
  }

  close(): void {
    this.s3Client?.destroy();
  }
}

async function copyOut(store: ArtifactStore, key: string, target: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  await pipeline(await store.get(key), createWriteStream(target));
}

type ParsedUri =
  | { scheme: 'file'; path: string; bucket?: undefined }
  | { scheme: 's3'; bucket: string; path: string };

export function parseUri(uri: string, field = 'uri'): ParsedUri {
  if (typeof uri !== 'string') throw ArtifactErrors.badUri({ field, uri, reason: 'must be a string' });
  if (uri.startsWith('file://')) {
    const path = decodeURIComponent(uri.slice('file://'.length));
    if (!path.startsWith('/'))
      throw ArtifactErrors.badUri({ field, uri, reason: 'must be an absolute file:/// path' });
    if (path.includes('\0') || path.split('/').includes('..')) {
      throw ArtifactErrors.badUri({ field, uri, reason: 'must not contain ".." or NUL' });
    }
    return { scheme: 'file', path: path.replace(/\/+$/, '') || '/' };
  }
  if (uri.startsWith('s3://')) {
    const rest = uri.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash === -1 ? rest : rest.slice(0, slash);
    const path = slash === -1 ? '' : rest.slice(slash + 1).replace(/\/+$/, '');
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      throw ArtifactErrors.badUri({ field, uri, reason: 'does not name a valid bucket' });
    }
    if (path) {
      try {
        checkKey(path, field);
      } catch (error) {
        throw ArtifactErrors.badUri({
          field,
          uri,
          reason: (error as Error).message.replace(`${field}: `, ''),
        });
      }
    }
    return { scheme: 's3', bucket, path };
  }
  throw ArtifactErrors.badUri({ field, uri, reason: 'must start with file:// or s3://' });
}
