/**
 * ONNX workers fed through shared memory: many requests in flight get their own answers, requests
 * and replies too large for a slot (or arriving when every slot is taken) go by message, a bad row
 * fails only its request, and a worker that dies fails only its in-flight requests and is replaced.
 * Then the same over HTTP through the invocation fast path, with capture and metrics.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { readCsv } from '../../src/algorithms/data/csv-reader.ts';
import { trainLinearLearner } from '../../src/algorithms/linear/train-linear.ts';
import { writeModelDir } from '../../src/algorithms/model-dir.ts';
import { Artifacts } from '../../src/artifacts/artifacts.ts';
import { BackendError } from '../../src/inference/backends/backend.ts';
import { OnnxBackend } from '../../src/inference/backends/onnx-backend.ts';
import { OnnxModel } from '../../src/inference/backends/onnx-model.ts';
import { formatPredictions, parseCsv } from '../../src/inference/payload.ts';
import { invoke, waitForEndpoint } from '../helpers/hosting.ts';
import { startTestSlipway } from '../helpers/slipway.ts';
import { tempFolder } from '../helpers/temp.ts';
import { waitFor } from '../helpers/wait.ts';

const csvLines = readFileSync('test/fixtures/penguins.csv', 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .filter((line) => !line.includes('NA') && !line.split(',').includes(''));
/** Feature rows (the label, `sex`, is the seventh column). */
const rows = csvLines.map((line) => {
  const cells = line.split(',');
  cells.splice(6, 1);
  return cells.join(',');
});

/**
 * The same predictions as `expected`: labels equal, probabilities within float noise (a row's
 * batch-mates change ONNX Runtime's vectorised path, hence the sixth decimal).
 */
function assertSameAnswer(actual: string, expected: string, what = ''): void {
  const a = JSON.parse(actual).predictions as Array<{ label: string; probabilities: number[] }>;
  const e = JSON.parse(expected).predictions as typeof a;
  assert.equal(a.length, e.length, what);
  for (let i = 0; i < a.length; i++) {
    assert.equal(a[i]!.label, e[i]!.label, what);
    for (let k = 0; k < e[i]!.probabilities.length; k++)
      assert.ok(
        Math.abs(a[i]!.probabilities[k]! - e[i]!.probabilities[k]!) < 1e-5,
        `${what} ${actual} vs ${expected}`,
      );
  }
}

/** A POST with header names in the case given (fetch lower-cases them; node keeps an object's keys). */
function rawPost(
  url: string,
  path: string,
  body: string,
  headers: Array<[string, string]>,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${url}${path}`,
      { method: 'POST', headers: Object.fromEntries(headers) },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode!, text }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe('ONNX workers over the shared-memory channel', () => {
  const work = tempFolder('slipway-onnx-channel-');
  const modelDir = join(work.path, 'model');
  let model: OnnxModel;
  /** What the model answers for `body`, computed in this thread. */
  const expected = async (body: string) =>
    formatPredictions(await model.predict(parseCsv(body)), 'application/json').body;

  before(async () => {
    const { dataset } = readCsv('test/fixtures/penguins.csv');
    const trained = trainLinearLearner({
      train: dataset,
      hyperparameters: { predictor_type: 'binary_classifier', label: 'sex' },
    });
    writeModelDir(modelDir, trained);
    model = await OnnxModel.load(modelDir);
  });
  after(() => work.cleanup());

  const request = (body: string) => ({
    body: Buffer.from(body),
    contentType: 'text/csv',
    accept: 'application/json',
  });

  test('hundreds of requests in flight each get their own answer, by slot or by message', async () => {
    // Four small slots: most requests find them all taken, and many bodies or replies do not fit.
    const backend = await OnnxBackend.start({
      modelDir,
      instanceCount: 2,
      channel: { slots: 4, slotBytes: 256 },
    });
    try {
      const bodies = Array.from({ length: 600 }, (_, i) => {
        const count = 1 + (i % 7 === 0 ? 12 : 0) + (i % 3);
        return `${Array.from({ length: count }, (_, k) => rows[(i + k) % rows.length]).join('\n')}\n`;
      });
      const answers = await Promise.all(bodies.map((body) => backend.invoke(request(body))));
      for (let i = 0; i < bodies.length; i++) {
        assert.equal(answers[i]!.contentType, 'application/json');
        assertSameAnswer(answers[i]!.body as string, await expected(bodies[i]!), `request ${i}`);
      }
    } finally {
      await backend.close();
    }
  });

  test('a body larger than the default slot is answered in full', async () => {
    const backend = await OnnxBackend.start({ modelDir, instanceCount: 1 });
    try {
      const body = `${Array.from({ length: 2000 }, (_, i) => rows[i % rows.length]).join('\n')}\n`;
      assert.ok(Buffer.byteLength(body) > 8 * 1024);
      const answer = await backend.invoke(request(body));
      assertSameAnswer(answer.body as string, await expected(body));
      assert.equal(JSON.parse(answer.body as string).predictions.length, 2000);
    } finally {
      await backend.close();
    }
  });

  test('a bad row fails only its own request; the rest of its batch is answered', async () => {
    const backend = await OnnxBackend.start({ modelDir, instanceCount: 1 });
    try {
      const bodies = rows
        .slice(0, 40)
        .map((row, i) => (i === 17 ? 'Adelie,Torgersen,not-a-number,1,2,3,2007\n' : `${row}\n`));
      const results = await Promise.allSettled(bodies.map((body) => backend.invoke(request(body))));
      for (let i = 0; i < bodies.length; i++) {
        const result = results[i]!;
        if (i === 17) {
          assert.equal(result.status, 'rejected');
          const error = (result as PromiseRejectedResult).reason as BackendError;
          assert.ok(error instanceof BackendError);
          assert.equal(error.status, 400);
          assert.match(error.message, /bill_length_mm must be a number/);
        } else {
          assert.equal(result.status, 'fulfilled', `request ${i}`);
          assertSameAnswer(
            (result as PromiseFulfilledResult<{ body: string }>).value.body,
            await expected(bodies[i]!),
          );
        }
      }
    } finally {
      await backend.close();
    }
  });

  test('with no ready instance a request is refused with 503, through the listener, not thrown', async () => {
    const backend = await OnnxBackend.start({ modelDir, instanceCount: 1 });
    await backend.close();
    const heard: Array<Error | undefined> = [];
    backend.invokeThen(request(`${rows[0]}\n`), { invoked: (error) => heard.push(error) });
    assert.equal(heard.length, 1, 'told at once');
    assert.ok(heard[0] instanceof BackendError);
    assert.equal(heard[0].status, 503);
    await assert.rejects(backend.invoke(request(`${rows[0]}\n`)), {
      status: 503,
      message: 'no healthy instance',
    });
  });

  test('a worker that dies fails only its in-flight requests with 503, and is replaced', async () => {
    const backend = await OnnxBackend.start({ modelDir, instanceCount: 2 });
    try {
      const bodies = Array.from({ length: 400 }, (_, i) => `${rows[i % rows.length]}\n`);
      const inFlight = bodies.map((body) => backend.invoke(request(body)));
      await backend.crashInstance(0);
      const results = await Promise.allSettled(inFlight);
      let failed = 0;
      for (let i = 0; i < bodies.length; i++) {
        const result = results[i]!;
        if (result.status === 'rejected') {
          failed++;
          assert.ok(result.reason instanceof BackendError);
          assert.equal(result.reason.status, 503);
        } else assertSameAnswer(result.value.body as string, await expected(bodies[i]!));
      }
      // Requests were spread over both instances: the survivor's were all answered.
      assert.ok(failed < bodies.length, `${failed} of ${bodies.length} failed`);
      await waitFor(
        () => backend.instances()[0]!.restarts === 1 && backend.instances()[0]!.status === 'Healthy',
        {
          what: 'the dead instance to be replaced',
        },
      );
      const again = await Promise.all(bodies.slice(0, 100).map((body) => backend.invoke(request(body))));
      for (let i = 0; i < again.length; i++)
        assertSameAnswer(again[i]!.body as string, await expected(bodies[i]!));
    } finally {
      await backend.close();
    }
  });

  test('over HTTP: concurrent invocations are answered, counted and captured', async () => {
    const slipway = await startTestSlipway();
    try {
      const client = slipway.client();
      const capture = pathToFileURL(join(work.path, 'capture')).href;
      await client.post('/api/v1/models', {
        modelName: 'penguins-onnx',
        primaryContainer: { modelDataUrl: pathToFileURL(modelDir).href },
      });
      await client.post('/api/v1/endpoint-configs', {
        endpointConfigName: 'penguins-onnx',
        productionVariants: [
          { variantName: 'AllTraffic', modelName: 'penguins-onnx', initialInstanceCount: 1 },
        ],
        dataCaptureConfig: {
          initialSamplingPercentage: 100,
          destinationS3Uri: capture,
          captureOptions: [{ captureMode: 'Input' }, { captureMode: 'Output' }],
          rotationSeconds: 1,
        },
      });
      await client.post('/api/v1/endpoints', {
        endpointName: 'penguins',
        endpointConfigName: 'penguins-onnx',
      });
      await waitForEndpoint(client, 'penguins');

      const bodies = Array.from({ length: 300 }, (_, i) => `${rows[i % rows.length]}\n`);
      const answers = await Promise.all(
        bodies.map((body) => invoke(slipway.url, slipway.adminToken, 'penguins', body)),
      );
      for (let i = 0; i < bodies.length; i++) {
        assert.equal(answers[i]!.status, 200, answers[i]!.text);
        assert.equal(answers[i]!.variant, 'AllTraffic');
        assert.equal(answers[i]!.contentType, 'application/json');
        assertSameAnswer(answers[i]!.text, await expected(bodies[i]!));
      }
      const unauthorized = await invoke(slipway.url, 'slw_not-a-token', 'penguins', bodies[0]!);
      assert.equal(unauthorized.status, 401);
      // Header names in any case (the fast path reads the raw list), and the variant header pins.
      const mixedCase = await rawPost(slipway.url, '/endpoints/penguins/invocations', bodies[1]!, [
        ['Authorization', `Bearer ${slipway.adminToken}`],
        ['Content-Type', 'text/csv'],
        ['ACCEPT', 'application/json'],
        ['X-Amzn-SageMaker-Target-Variant', 'AllTraffic'],
      ]);
      assert.equal(mixedCase.status, 200, mixedCase.text);
      assertSameAnswer(mixedCase.text, await expected(bodies[1]!));
      const unknownVariant = await rawPost(slipway.url, '/endpoints/penguins/invocations', bodies[1]!, [
        ['authorization', `Bearer ${slipway.adminToken}`],
        ['content-type', 'text/csv'],
        ['X-AMZN-SAGEMAKER-TARGET-VARIANT', 'Nope'],
      ]);
      assert.equal(unknownVariant.status, 400, unknownVariant.text);
      assert.match(unknownVariant.text, /Nope/);

      const described = await waitFor(async () => {
        const endpoint = await client.get<Record<string, any>>('/api/v1/endpoints/penguins');
        const metrics = endpoint.productionVariants?.[0]?.metrics;
        // Every body above, and the mixed-case one.
        return metrics?.invocations === bodies.length + 1 ? metrics : undefined;
      });
      assert.equal(described.invocation4xxErrors, 0);

      const artifacts = new Artifacts({ defaultUrl: capture, s3Region: 'us-east-1' });
      const lines = await waitFor(
        async () => {
          const files = await artifacts.defaultStore.list('penguins/AllTraffic/');
          const all = files.flatMap((file) =>
            readFileSync(new URL(file.uri), 'utf8').trim().split('\n').filter(Boolean),
          );
          return all.length === bodies.length + 1 ? all : undefined;
        },
        { what: 'every request captured' },
      );
      const captured = lines.map((line) => JSON.parse(line));
      const inputs = captured.map((c) => c.captureData.endpointInput.data).sort();
      assert.deepEqual(inputs, [...bodies, bodies[1]!].sort());
      for (const c of captured) {
        assert.equal(c.captureData.endpointInput.encoding, 'CSV');
        assert.equal(c.captureData.endpointOutput.observedContentType, 'application/json');
        assertSameAnswer(c.captureData.endpointOutput.data, await expected(c.captureData.endpointInput.data));
      }
    } finally {
      await slipway.cleanup();
    }
  });
});
