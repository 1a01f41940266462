/**
 * Artifacts in any S3-compatible store (AWS SDK v3). Streams are spooled to a local temporary file
 * while being hashed, then uploaded with their sha256 as object metadata: the hash must be known
 * before the upload starts, and a source that fails midway then never reaches the bucket. Large
 * files go up in parts; S3 shows a multipart object only once it is completed, so uploads are atomic.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { ArtifactStore, ObjectInfo, StoredObject } from '../artifact-store.ts';
import { ArtifactErrors } from '../errors.ts';
import { HashingStream, sha256OfFile } from '../hash.ts';
import { checkKey, checkPrefix, joinKey, temporaryMarker } from '../keys.ts';
import { removeStaleTemporaries } from '../stale-temporaries.ts';

const partSize = 8 * 1024 * 1024;

/** Streams are spooled to a local file first, to learn their size and sha256 before sending. */
const spoolPrefix = 'slipway-spool-';

export class S3ArtifactStore implements ArtifactStore {
  readonly rootUri: string;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {
    this.rootUri = `s3://${bucket}/${prefix ? `${prefix.replace(/\/+$/, '')}/` : ''}`;
  }

  private objectKey(key: string): string {
    return joinKey(this.prefix, checkKey(key));
  }

  uriOf(key: string): string {
    return `s3://${this.bucket}/${this.objectKey(key)}`;
  }

  async put(key: string, body: Readable | Buffer | string): Promise<StoredObject> {
    this.objectKey(key);
    const folder = await mkdtemp(join(tmpdir(), spoolPrefix));
    try {
      const spool = join(folder, 'object');
      const source =
        typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([Buffer.from(body)]) : body;
      await pipeline(source, new HashingStream(), createWriteStream(spool));
      return await this.putFile(key, spool);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  async putFile(key: string, path: string): Promise<StoredObject> {
    const objectKey = this.objectKey(key);
    const { sha256, size } = await sha256OfFile(path);
    await this.call(() =>
      new Upload({
        client: this.client,
        params: { Bucket: this.bucket, Key: objectKey, Body: createReadStream(path), Metadata: { sha256 } },
        partSize,
        queueSize: 4,
        leavePartsOnError: false,
      }).done(),
    );
    return { key, uri: this.uriOf(key), size, sha256 };
  }

  async get(key: string): Promise<Readable> {
    const objectKey = this.objectKey(key);
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      return response.Body as Readable;
    } catch (error) {
      if (isMissing(error)) throw ArtifactErrors.notFound({ uri: this.uriOf(key) });
      throw this.unavailable(error);
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const objectKey = this.objectKey(key);
    try {
      const response = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      return {
        key,
        uri: this.uriOf(key),
        size: response.ContentLength ?? 0,
        modifiedAt: response.LastModified?.getTime() ?? 0,
        sha256: response.Metadata?.sha256,
      };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw this.unavailable(error);
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const fullPrefix = this.prefix
      ? joinKey(this.prefix, checkPrefix(prefix)) + (prefix.endsWith('/') ? '/' : '')
      : checkPrefix(prefix);
    const strip = this.prefix ? this.prefix.replace(/\/+$/, '').length + 1 : 0;
    const found: ObjectInfo[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await this.call(() =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: fullPrefix,
            ContinuationToken: continuationToken,
          }),
        ),
      );
      for (const item of page.Contents ?? []) {
        if (!item.Key || item.Key.includes(temporaryMarker)) continue;
        found.push({
          key: item.Key.slice(strip),
          uri: `s3://${this.bucket}/${item.Key}`,
          size: item.Size ?? 0,
          modifiedAt: item.LastModified?.getTime() ?? 0,
        });
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
    return found;
  }

  async delete(key: string): Promise<void> {
    const objectKey = this.objectKey(key);
    await this.call(() => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: objectKey })));
  }

  /** Multipart uploads abort on failure; what a killed server leaves is its local spool folders. */
  sweepTemporaries(): Promise<number> {
    return removeStaleTemporaries({
      folder: tmpdir(),
      isTemporary: (name) => name.startsWith(spoolPrefix),
      recursive: false,
    });
  }

  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  private unavailable(error: unknown) {
    const reason = (error as Error).message;
    // The AWS SDK's own words name none of the settings a Slipway user would change.
    const hint = isMissingCredentials(error)
      ? '. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE); for an S3-compatible server, also SLIPWAY_S3_ENDPOINT (config s3Endpoint)'
      : '';
    return ArtifactErrors.unavailable({ root: this.rootUri, reason: reason + hint });
  }
}

function isMissingCredentials(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return e.name === 'CredentialsProviderError' || /could not load credentials/i.test(e.message ?? '');
}

function isMissing(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}
