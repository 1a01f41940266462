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
import { tempFolder } from '../helpers/temp.ts';
import { waitFor } from '../helpers/wait.ts';

test('lines are written once a batch is waiting, before the rotation period ends; none dropped', async () => {
  const work = tempFolder('slipway-capture-');
  const destination = pathToFileURL(join(work.path, 'capture')).href;
  const store = new Artifacts({ defaultUrl: destination, s3Region: 'us-east-1' }).defaultStore;
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
