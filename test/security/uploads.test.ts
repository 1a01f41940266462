/**
 * Run artifact uploads stream to the artifact store under a size limit, on their own route only,
 * and a refused or broken upload leaves nothing behind; temporary files that a killed server left
 * are swept at the next start.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { temporaryMarker } from '../../src/artifacts/keys.ts';
import { startTestSlipway, type TestSlipway } from '../helpers/slipway.ts';
import { tempFolder } from '../helpers/temp.ts';
import { waitFor } from '../helpers/wait.ts';

const limit = 1024 * 1024;

/** Every file under `folder` whose name carries the temporary marker. */
function temporariesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((path) =>
    path.split('/').some((part) => part.startsWith(temporaryMarker)),
  );
}

describe('uploads', () => {
  let slipway: TestSlipway;
  let storeRoot: string;

  async function upload(
    body: Buffer | string | ReadableStream<Uint8Array>,
    headers: Record<string, string> = {},
  ) {
    const response = await fetch(`${slipway.url}/api/v1/runs/upload-1/artifacts?path=model/data.bin`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${slipway.adminToken}`,
        'content-type': 'application/octet-stream',
        ...headers,
      },
      body,
      duplex: 'half',
    } as RequestInit);
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  }

  before(async () => {
    slipway = await startTestSlipway({ config: { maxUploadBytes: limit } });
    storeRoot = fileURLToPath(slipway.app.artifacts.defaultStore.rootUri);
    await slipway.client().post('/api/v1/runs', { experimentName: 'uploads', runName: 'upload-1' });
  });
  after(() => slipway.cleanup());

  test('a file within the limit is stored whole, with its sha256', async () => {
    const bytes = Buffer.alloc(limit / 2, 7);
    const answer = await upload(bytes);
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.equal(answer.body.size, bytes.length);
    assert.equal(answer.body.sha256, createHash('sha256').update(bytes).digest('hex'));
  });

  test('a body over the limit is a 413 naming the body, declared or streamed, and leaves nothing', async () => {
    const declared = await upload(Buffer.alloc(limit + 1));
    assert.equal(declared.status, 413);
    assert.equal(declared.body.details.field, 'body');
    assert.match(declared.body.message, /larger than 1048576 bytes/);

    // No content-length: the stream is cut off once it passes the limit.
    let sent = 0;
    const chunked = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 3 * limit) return controller.close();
        sent += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024));
      },
    });
    const streamed = await upload(chunked);
    assert.equal(streamed.status, 413, JSON.stringify(streamed.body));
    assert.equal(streamed.body.details.field, 'body');

    const artifacts = await slipway
      .client()
      .get<{ items: Array<{ size: number }> }>('/api/v1/runs/upload-1/artifacts');
    assert.deepEqual(
      artifacts.items.map((artifact) => artifact.size),
      [limit / 2],
    );
    assert.deepEqual(temporariesUnder(storeRoot), []);
  });

  test('only the upload route takes raw bytes; it takes nothing else', async () => {
    const json = await upload(JSON.stringify({ a: 1 }), { 'content-type': 'application/json' });
    assert.equal(json.status, 400);
    assert.equal(json.body.details.field, 'content-type');
    const elsewhere = await fetch(`${slipway.url}/api/v1/experiments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${slipway.adminToken}`, 'content-type': 'application/octet-stream' },
      body: Buffer.alloc(1024),
    });
    assert.ok([400, 415].includes(elsewhere.status), `answered ${elsewhere.status}`);
  });
});

test('temporary files an interrupted write left are swept at start; fresh ones and objects stay', async () => {
  const home = tempFolder('slipway-sweep-home-');
  const folder = join(home.path, 'artifacts', 'runs', 'old', 'artifacts');
  mkdirSync(folder, { recursive: true });
  const stale = join(folder, `${temporaryMarker}abc123-model.bin`);
  const fresh = join(folder, `${temporaryMarker}def456-model.bin`);
  const object = join(folder, 'model.bin');
  for (const file of [stale, fresh, object]) writeFileSync(file, 'bytes');
  const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
  utimesSync(stale, twoHoursAgo, twoHoursAgo);
  utimesSync(object, twoHoursAgo, twoHoursAgo);

  const slipway = await startTestSlipway({ home: home.path });
  try {
    await waitFor(() => !readdirSync(folder).includes(`${temporaryMarker}abc123-model.bin`) || undefined, {
      what: 'the stale temporary file to be swept',
    });
    assert.deepEqual(readdirSync(folder).sort(), [`${temporaryMarker}def456-model.bin`, 'model.bin'].sort());
  } finally {
    await slipway.cleanup();
    home.cleanup();
  }
});
