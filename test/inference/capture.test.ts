/**
 * Data capture under sustained load: lines are written once `flushLines` wait, not only when the
 * rotation period ends, so a busy endpoint keeps every sampled request instead of filling its
 * buffer and dropping the rest.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Artifacts } from '../../src/artifacts/artifacts.ts';
import { createLogger } from '../../src/core/logging.ts';
import { CaptureWriter } from '../../src/inference/capture.ts';
import { ChunkPool, LineTemplate, PendingLines } from '../../src/inference/capture-lines.ts';
import { tempFolder } from '../helpers/temp.ts';
import { waitFor } from '../helpers/wait.ts';

/** A capture destination in a temporary folder, and the artifact store that writes there. */
function captureDestination() {
  const work = tempFolder('slipway-capture-');
  const destination = pathToFileURL(join(work.path, 'capture')).href;
  const store = new Artifacts({ defaultUrl: destination, s3Region: 'us-east-1' }).defaultStore;
  return { work, destination, store };
}

test('lines are written once a batch is waiting, before the rotation period ends; none dropped', async () => {
  const { work, destination, store } = captureDestination();
  const writer = new CaptureWriter({
    endpointName: 'busy',
    config: {
      initialSamplingPercentage: 100,
      destinationS3Uri: destination,
      captureOptions: [{ captureMode: 'Input' }, { captureMode: 'Output' }],
      rotationSeconds: 3600,
    },
    store,
    logger: createLogger('silent'),
    flushLines: 10,
  });
  const lines = async () =>
    (await store.list('busy/AllTraffic/')).flatMap((file) =>
      readFileSync(new URL(file.uri), 'utf8').trim().split('\n'),
    );
  try {
    for (let i = 0; i < 25; i++) {
      writer.record({
        variant: 'AllTraffic',
        input: Buffer.from(`${i},1,2\n`),
        inputType: 'text/csv',
        output: `{"prediction":${i}}`,
        outputType: 'application/json',
        inferenceId: `request-${i}`,
      });
    }
    // With the rotation an hour away: the first ten go at once, and the fifteen that piled up
    // during that write go when it ends.
    await waitFor(async () => (await lines()).length === 25, { what: 'every line written' });
    assert.equal((await store.list('busy/AllTraffic/')).length, 2);
    await writer.close();
    const written = (await lines()).map((line) => JSON.parse(line));
    assert.equal(written.length, 25);
    assert.equal(writer.dropped, 0);
    assert.deepEqual(
      written.map((record) => record.eventMetadata.inferenceId).sort(),
      Array.from({ length: 25 }, (_, i) => `request-${i}`).sort(),
    );
    assert.equal(written[0].captureData.endpointInput.encoding, 'CSV');
    assert.equal(written[0].captureData.endpointOutput.encoding, 'JSON');
  } finally {
    await writer.close();
    work.cleanup();
  }
});

test('each line is exactly the JSON that JSON.stringify makes of the record, whatever the payload bytes', async () => {
  const { work, destination, store } = captureDestination();
  const writer = new CaptureWriter({
    endpointName: 'shapes',
    config: {
      initialSamplingPercentage: 100,
      destinationS3Uri: destination,
      captureOptions: [{ captureMode: 'Input' }, { captureMode: 'Output' }],
      captureContentTypeHeader: { csvContentTypes: ['text/csv'], jsonContentTypes: ['application/json'] },
    },
    store,
    logger: createLogger('silent'),
  });
  // [input, its content type, output, its content type, inference id]
  const cases: Array<[Buffer, string, Buffer | string, string, string | undefined]> = [
    [Buffer.from('1,2,3\n'), 'text/csv', '{"predictions":[0.5]}', 'application/json', undefined],
    [
      Buffer.from('"quoted","back\\slash"\r\n\ttab\u0001\u001f\u007f'),
      'text/csv',
      'a\nb',
      'text/csv',
      'id "1"',
    ],
    [Buffer.from('Zürich,東京,😀\n'), 'text/csv; charset=utf-8', '{"label":"café"}', 'application/json', 'ü'],
    [
      Buffer.from([0x31, 0xff, 0xfe, 0x0a]),
      'text/csv',
      Buffer.from([0xc3, 0x28]),
      'application/json',
      undefined,
    ],
    [
      Buffer.from([0, 1, 2, 250, 251]),
      'application/x-npy',
      Buffer.from('raw \u0000 bytes'),
      'application/octet-stream',
      'x',
    ],
    ['\ud800 lone surrogate' as unknown as Buffer, 'text/csv', '\udc00 too', 'application/json', undefined],
    [Buffer.alloc(0), 'text/csv', '', 'application/json', ''],
  ];
  try {
    for (const [input, inputType, output, outputType, inferenceId] of cases) {
      writer.record({ variant: 'AllTraffic', input, inputType, output, outputType, inferenceId });
    }
    await writer.close();
    const [file] = await store.list('shapes/AllTraffic/');
    const text = readFileSync(new URL(file!.uri), 'utf8');
    const lines = text.split('\n');
    assert.equal(lines.pop(), '', 'the file ends with a newline');
    assert.equal(lines.length, cases.length);
    const eventIds = new Set<string>();
    lines.forEach((line, i) => {
      const [input, inputType, output, outputType, inferenceId] = cases[i]!;
      const record = JSON.parse(line);
      const metadata = record.eventMetadata;
      assert.match(metadata.eventId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      eventIds.add(metadata.eventId);
      assert.ok(Math.abs(Date.parse(metadata.inferenceTime) - Date.now()) < 60_000);
      const payload = (data: Buffer | string, type: string, mode: string) => {
        const textual = type.startsWith('text/csv') || type === 'application/json';
        const asText = typeof data === 'string' ? data : data.toString('utf8');
        return {
          observedContentType: type,
          mode,
          data: textual ? asText : Buffer.from(data).toString('base64'),
          encoding: type.startsWith('text/csv') ? 'CSV' : type === 'application/json' ? 'JSON' : 'BASE64',
        };
      };
      const expected = {
        captureData: {
          endpointInput: payload(input, inputType, 'INPUT'),
          endpointOutput: payload(output, outputType, 'OUTPUT'),
        },
        eventMetadata: {
          eventId: metadata.eventId,
          inferenceTime: metadata.inferenceTime,
          ...(inferenceId ? { inferenceId } : {}),
        },
        eventVersion: '0',
      };
      // Byte for byte what JSON.stringify writes, so readers that match on text agree too.
      assert.equal(line, JSON.stringify(expected), `case ${i}`);
    });
    assert.equal(eventIds.size, cases.length);
  } finally {
    await writer.close();
    work.cleanup();
  }
});

test('input-only and output-only capture write only that payload', async () => {
  const { work, destination, store } = captureDestination();
  try {
    for (const mode of ['Input', 'Output'] as const) {
      const writer = new CaptureWriter({
        endpointName: mode,
        config: {
          initialSamplingPercentage: 100,
          destinationS3Uri: destination,
          captureOptions: [{ captureMode: mode }],
        },
        store,
        logger: createLogger('silent'),
      });
      writer.record({
        variant: 'v',
        input: Buffer.from('1,2'),
        inputType: 'text/csv',
        output: '[3]',
        outputType: 'application/json',
      });
      await writer.close();
      const [file] = await store.list(`${mode}/v/`);
      const record = JSON.parse(readFileSync(new URL(file!.uri), 'utf8'));
      assert.deepEqual(
        record.captureData,
        mode === 'Input'
          ? {
              endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: '1,2', encoding: 'CSV' },
            }
          : {
              endpointOutput: {
                observedContentType: 'application/json',
                mode: 'OUTPUT',
                data: '[3]',
                encoding: 'JSON',
              },
            },
      );
    }
  } finally {
    work.cleanup();
  }
});

test('a written chunk is reused for later lines, which replace what it held', async () => {
  const pool = new ChunkPool();
  const template = new LineTemplate([
    { key: 'endpointInput', mode: 'INPUT', contentType: 'text/csv', encoding: 'CSV' },
  ]);
  const inferenceTime = Buffer.from('2026-11-22T00:00:00.000Z');
  const linesOf = async (lines: PendingLines) => {
    const chunks: Buffer[] = [];
    for await (const chunk of lines.stream()) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks)
      .toString('utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
  };
  const first = new PendingLines(pool);
  first.append({ template, payloads: [Buffer.from('first,batch,with,a,longer,line')], inferenceTime });
  first.append({ template, payloads: [Buffer.from('second')], inferenceTime });
  assert.equal((await linesOf(first)).length, 2);
  pool.recycle(first);
  const second = new PendingLines(pool);
  assert.equal(second.chunks[0], first.chunks[0], 'the written chunk is taken again');
  second.append({ template, payloads: [Buffer.from('x')], inferenceTime, inferenceId: 'only' });
  const written = await linesOf(second);
  assert.deepEqual(
    written.map((line) => [line.captureData.endpointInput.data, line.eventMetadata.inferenceId]),
    [['x', 'only']],
  );
});
