/**
 * Which URIs a request may name. Every URI a user gives (a channel, model data, an output path, a
 * Map's ItemReader, a transform's input or output, a capture destination, a source folder) is
 * resolved by `Artifacts`, and `Artifacts` asks this check first, so there is one rule for all of
 * them. Allowed are the artifact store and the configured data roots; in single-user mode also the
 * user's own folders (home, temp, the folder the server started in), but never the server's home,
 * which holds its secrets. file:// paths are compared after symlinks are resolved, so a link
 * inside an allowed folder cannot point out of it.
 */
import { realpathSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { TrustModeName } from '../core/trust-mode.ts';
import { ArtifactErrors } from './errors.ts';

export interface UriAccessOptions {
  /** The artifact store's root URI: always allowed. */
  artifactsUrl: string;
  /** Extra roots an admin allows (file:// or s3:// URIs). */
  dataRoots: string[];
  /** The server's home: its database, logs and admin token live there. */
  home: string;
  mode: () => TrustModeName;
  /** Single-user mode's own folders; by default the user's home, temp and the working folder. */
  ownFolders?: string[];
}

export type CheckedUri = { scheme: 'file'; path: string } | { scheme: 's3'; bucket: string; path: string };

interface Roots {
  folders: string[];
  /** `bucket/prefix` strings. */
  prefixes: string[];
}

export class UriAccess {
  private readonly allowed: Roots;
  private readonly own: string[];
  private readonly home: string;
  /** The file:// artifact store's folder; NUL (matching no path) when the store is S3. */
  private readonly artifactStore: string;

  constructor(private readonly options: UriAccessOptions) {
    this.allowed = rootsOf([options.artifactsUrl, ...options.dataRoots]);
    this.home = realPath(resolve(options.home));
    this.artifactStore = rootsOf([options.artifactsUrl]).folders[0] ?? '\0';
    this.own = (options.ownFolders ?? [homedir(), tmpdir(), process.cwd()])
      .map((folder) => realPath(resolve(folder)))
      .filter((folder) => folder !== '/');
  }

  /** Throws a validation error naming `field` when `uri` is out of bounds. */
  check(parsed: CheckedUri, uri: string, field: string): void {
    const refuse = (reason: string) => {
      throw ArtifactErrors.badUri({ field, uri, reason });
    };
    const team = this.options.mode() === 'team';
    if (parsed.scheme === 's3') {
      const target = `${parsed.bucket}/${parsed.path}`;
      if (team && !this.allowed.prefixes.some((prefix) => within(target, prefix)))
        refuse('is outside the artifact store and the data roots (an admin can add one to dataRoots)');
      return;
    }
    const path = realPath(parsed.path);
    if (within(path, this.artifactStore)) return;
    // Before the data roots: a data root that holds the home must not open its secrets.
    if (within(path, this.home)) refuse('is inside the server’s home, which holds its secrets');
    if (this.allowed.folders.some((folder) => within(path, folder))) return;
    if (team) refuse('is outside the artifact store and the data roots (an admin can add one to dataRoots)');
    if (!this.own.some((folder) => within(path, folder)))
      refuse('is outside your own folders (home, temp, the server’s folder) and the data roots (dataRoots)');
  }
}

function rootsOf(uris: string[]): Roots {
  const roots: Roots = { folders: [], prefixes: [] };
  for (const uri of uris) {
    if (uri.startsWith('file://')) roots.folders.push(realPath(decodeURIComponent(uri.slice(7))));
    else if (uri.startsWith('s3://')) roots.prefixes.push(uri.slice(5).replace(/\/+$/, ''));
  }
  return roots;
}

/** `path` with symlinks resolved as far as it exists; the rest (what a write will create) as given. */
function realPath(path: string): string {
  const trimmed = path.replace(/\/+$/, '') || '/';
  try {
    return realpathSync(trimmed);
  } catch {
    const parent = dirname(trimmed);
    if (parent === trimmed) return trimmed;
    return join(realPath(parent), basename(trimmed));
  }
}

/** Whether `path` is `root` or below it (for folders and for `bucket/prefix` strings alike). */
function within(path: string, root: string): boolean {
  if (root === '' || root === '/') return true;
  return path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`);
}
