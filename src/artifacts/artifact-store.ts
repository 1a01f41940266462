/** The artifact store interface, implemented by `file/` and `s3/`. */
import type { Readable } from 'node:stream';

export interface StoredObject {
  key: string;
  /** The full URI (file:///… or s3://bucket/…). */
  uri: string;
  size: number;
  sha256: string;
}

export interface ObjectInfo {
  key: string;
  uri: string;
  size: number;
  modifiedAt: number;
  /** Present when the backend recorded it at write time. */
  sha256?: string;
}

export interface ArtifactStore {
  /** The URI of the store's root, ending in "/". */
  readonly rootUri: string;
  /**
   * Writes atomically: readers see the whole object or nothing, even when `body` fails midway.
   * Returns the size and sha256 of what was written.
   */
  put(key: string, body: Readable | Buffer | string): Promise<StoredObject>;
  /** Uploads a local file (no spooling: the file is hashed, then sent). */
  putFile(key: string, path: string): Promise<StoredObject>;
  /** A stream of the object's bytes; rejects with not_found when it does not exist. */
  get(key: string): Promise<Readable>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Objects under `prefix`, in key order, temporary objects excluded. */
  list(prefix: string): Promise<ObjectInfo[]>;
  delete(key: string): Promise<void>;
  uriOf(key: string): string;
  /** Removes what writes interrupted by a killed server left behind; returns how many it removed. */
  sweepTemporaries(): Promise<number>;
}
