/** Artifact store conformance: the same cases over the file backend and a real S3-protocol server. */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { ArtifactStore } from '../../src/artifacts/artifact-store.ts';
import { Artifacts, parseUri } from '../../src/artifacts/artifacts.ts';
import { packDirectory, unpackTo } from '../../src/artifacts/tarball.ts';
import { startS3, type TestS3 } from '../helpers/s3.ts';
import { tempFolder } from '../helpers/temp.ts';
import { namesField } from '../helpers/wait.ts';

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** A stream that yields some bytes, then fails: a client dropping mid-upload. */
function failingStream(bytesBeforeFailure: number): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(randomBytes(bytesBeforeFailure));
      } else this.destroy(new Error('connection reset mid-upload'));
    },
  });
}

interface Backend {
  name: string;
  setup(): Promise<{ artifacts: Artifacts; store: ArtifactStore; teardown(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'file',
    async setup() {
      const folder = tempFolder();
      const artifacts = new Artifacts({
        defaultUrl: pathToFileURL(join(folder.path, 'artifacts')).href,
        s3Region: 'us-east-1',
      });
      return { artifacts, store: artifacts.defaultStore, teardown: async () => folder.cleanup() };
    },
  },
  {
    name: 's3 (s3rver)',
    async setup() {
      const s3: TestS3 = await startS3();
      const artifacts = new Artifacts({
        defaultUrl: `s3://${s3.bucket}/slipway`,
        s3Endpoint: s3.endpoint,
        s3Region: 'us-east-1',
      });
      return {
        artifacts,
        store: artifacts.defaultStore,
        async teardown() {
          artifacts.close();
          await s3.stop();
        },
      };
    },
  },
];

for (const backend of backends) {
  describe(`artifact store on ${backend.name}`, () => {
    let artifacts: Artifacts;
    let store: ArtifactStore;
    let teardown: () => Promise<void>;
    before(async () => {
      ({ artifacts, store, teardown } = await backend.setup());
    });
    after(() => teardown());

    test('put returns size and sha256; get streams the same bytes back', async () => {
      const body = 'species,island\nAdelie,Torgersen\n';
      const stored = await store.put('datasets/penguins/train.csv', body);
      assert.equal(stored.size, Buffer.byteLength(body));
      assert.equal(stored.sha256, sha256(body));
      assert.equal(await text(await store.get('datasets/penguins/train.csv')), body);
      const head = await store.head('datasets/penguins/train.csv');
      assert.equal(head?.size, stored.size);
      assert.ok(stored.uri.endsWith('datasets/penguins/train.csv'));
    });

    test('a 12 MiB object round-trips (multipart on S3)', async () => {
      const big = randomBytes(12 * 1024 * 1024);
      const stored = await store.put(
        'models/big.bin',
        Readable.from([big.subarray(0, 5_000_000), big.subarray(5_000_000)]),
      );
      assert.equal(stored.sha256, sha256(big));
      const chunks: Buffer[] = [];
      for await (const chunk of await store.get('models/big.bin')) chunks.push(chunk as Buffer);
      assert.equal(sha256(Buffer.concat(chunks)), sha256(big));
    });

    test('keys that escape the root are refused', async () => {
      for (const key of ['../etc/passwd', 'a/../../b', '/etc/passwd', 'a/\0b', 'a\\b', '', 'a//b']) {
        await assert.rejects(
          store.put(key, 'x'),
          namesField('key'),
          `key ${JSON.stringify(key)} must be refused`,
        );
        await assert.rejects(store.get(key), namesField('key'));
      }
    });

    test('a write interrupted mid-stream leaves no visible object, not even under a temporary name', async () => {
      await assert.rejects(store.put('partial/model.tar.gz', failingStream(64 * 1024)), /connection reset/);
      assert.equal(await store.head('partial/model.tar.gz'), undefined);
      assert.deepEqual(await store.list('partial/'), []);
      // An existing object is not damaged by a failed overwrite.
      await store.put('partial/keep.txt', 'original');
      await assert.rejects(store.put('partial/keep.txt', failingStream(1024)), /connection reset/);
      assert.equal(await text(await store.get('partial/keep.txt')), 'original');
    });

    test('list is by prefix and in key order; delete removes; get of a missing key is not_found', async () => {
      await store.put('runs/r1/b.txt', 'b');
      await store.put('runs/r1/a.txt', 'a');
      await store.put('runs/r10/c.txt', 'c');
      assert.deepEqual(
        (await store.list('runs/r1/')).map((o) => o.key),
        ['runs/r1/a.txt', 'runs/r1/b.txt'],
      );
      assert.deepEqual(
        (await store.list('runs/r1')).map((o) => o.key),
        ['runs/r1/a.txt', 'runs/r1/b.txt', 'runs/r10/c.txt'],
      );
      await store.delete('runs/r1/a.txt');
      assert.deepEqual(
        (await store.list('runs/r1/')).map((o) => o.key),
        ['runs/r1/b.txt'],
      );
      await assert.rejects(store.get('runs/r1/a.txt'), {
        code: 'SLIPWAY_ARTIFACT_NOT_FOUND',
        kind: 'not_found',
      });
    });

    test('download copies a single object or a whole prefix by URI', async () => {
      await store.put('channels/train/part-1.csv', '1\n');
      await store.put('channels/train/sub/part-2.csv', '2\n');
      const target = tempFolder();
      try {
        await artifacts.download(store.uriOf('channels/train'), join(target.path, 'all'));
        assert.equal(readFileSync(join(target.path, 'all', 'part-1.csv'), 'utf8'), '1\n');
        assert.equal(readFileSync(join(target.path, 'all', 'sub', 'part-2.csv'), 'utf8'), '2\n');
        await artifacts.download(store.uriOf('channels/train/part-1.csv'), join(target.path, 'one'));
        assert.equal(readFileSync(join(target.path, 'one', 'part-1.csv'), 'utf8'), '1\n');
        await assert.rejects(artifacts.download(store.uriOf('channels/nothing-here'), target.path), {
          code: 'SLIPWAY_ARTIFACT_NOT_FOUND',
        });
      } finally {
        target.cleanup();
      }
    });

    test('model.tar.gz: a folder packs, stores and unpacks identically', async () => {
      const source = tempFolder();
      const target = tempFolder();
      try {
        mkdirSync(join(source.path, 'code'));
        writeFileSync(join(source.path, 'model.joblib'), randomBytes(2048));
        writeFileSync(join(source.path, 'code', 'inference.py'), 'def model_fn(d): pass\n');
        const stored = await store.put('jobs/j1/output/model.tar.gz', await packDirectory(source.path));
        assert.ok(stored.size > 0);
        await unpackTo(await store.get('jobs/j1/output/model.tar.gz'), target.path);
        assert.deepEqual(
          readFileSync(join(target.path, 'model.joblib')),
          readFileSync(join(source.path, 'model.joblib')),
        );
        assert.equal(
          readFileSync(join(target.path, 'code', 'inference.py'), 'utf8'),
          'def model_fn(d): pass\n',
        );
      } finally {
        source.cleanup();
        target.cleanup();
      }
    });
  });
}

describe('artifact URIs', () => {
  test('file and s3 URIs parse; others are refused naming the field', () => {
    assert.deepEqual(parseUri('s3://my-bucket/data/train/'), {
      scheme: 's3',
      bucket: 'my-bucket',
      path: 'data/train',
    });
    assert.deepEqual(parseUri('file:///tmp/x/'), { scheme: 'file', path: '/tmp/x' });
    assert.throws(
      () => parseUri('http://example.com/x', 'inputDataConfig[0].uri'),
      namesField('inputDataConfig[0].uri'),
    );
    assert.throws(() => parseUri('s3://Bad_Bucket/x'), /valid bucket/);
    assert.throws(() => parseUri('file:///tmp/../etc'), /\.\./);
    assert.throws(() => parseUri('s3://bucket/a/../b'), /\.\./);
  });

  test('an archive with an entry escaping its folder does not write outside it', async () => {
    const { create } = await import('tar');
    const work = tempFolder();
    try {
      mkdirSync(join(work.path, 'inner'));
      writeFileSync(join(work.path, 'evil.txt'), 'x');
      // Build an archive whose entry name climbs out: ../evil.txt relative to inner/.
      const archive = create({ gzip: true, cwd: join(work.path, 'inner'), preservePaths: true }, [
        '../evil.txt',
      ]);
      const out = join(work.path, 'out', 'deep');
      await unpackTo(archive as unknown as Readable, out).catch(() => undefined);
      assert.throws(() => readFileSync(join(work.path, 'out', 'evil.txt')));
    } finally {
      work.cleanup();
    }
  });
});
