/**
 * The data plane under load (autocannon, in one run, each server in its own process):
 *   Slipway: the penguins linear-learner ONNX endpoint, data capture on (100% sampled);
 *   ceiling: a bare node:http server answering a constant JSON;
 *   peer: the SageMaker scikit-learn serving stack, Flask under gunicorn, with the walkthrough's
 *   scikit-learn model and handlers.
 * Each is driven to its peak, then at 50% of that peak for the p99 latency.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { preparePenguins } from '../examples/penguins/prepare.ts';
import { freePort } from '../src/inference/backends/free-port.ts';
import { SlipwayClient } from '../src/sdk/client.ts';
import { tempFolder } from '../test/helpers/temp.ts';
import type { BenchResult } from './run.ts';
import { fixed } from './stats.ts';

const root = join(import.meta.dirname, '..');
const token = 'slw_bench-token-0123456789abcdef';
const row = 'Adelie,Torgersen,39.1,18.7,181,3750';
const durationSeconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = 32;

interface Load {
  requestsPerSecond: number;
  p99: number;
  errors: number;
}

async function drive(
  url: string,
  headers: Record<string, string>,
  body: string,
  rate?: number,
): Promise<Load> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers,
    body,
    connections,
    duration: durationSeconds,
    ...(rate ? { overallRate: Math.max(1, Math.floor(rate)) } : {}),
  });
  return {
    requestsPerSecond: result.requests.average,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

async function waitForHttp(url: string, init: RequestInit = {}): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, init)).ok) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not come up`);
}

function start(command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

async function measure(label: string, url: string, headers: Record<string, string>) {
  const peak = await drive(url, headers, `${row}\n`);
  const half = await drive(url, headers, `${row}\n`, peak.requestsPerSecond / 2);
  return { label, peak, half };
}

export async function runHostingBench(): Promise<BenchResult> {
  const work = tempFolder('slipway-bench-hosting-');
  const children: ChildProcess[] = [];
  try {
    const data = preparePenguins({
      input: join(root, 'examples', 'penguins', 'data', 'penguins.csv'),
      output: join(work.path, 'data'),
    });
    const csvHeaders = { 'content-type': 'text/csv', accept: 'application/json' };

    // Slipway, trained and deployed through its own API.
    const home = join(work.path, 'home');
    const port = await freePort();
    const slipway = start(process.execPath, [join(root, 'bin', 'slipway.js'), 'up'], {
      SLIPWAY_HOME: home,
      SLIPWAY_PORT: String(port),
      SLIPWAY_ADMIN_TOKEN: token,
      SLIPWAY_LOG_LEVEL: 'warn',
    });
    children.push(slipway);
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/healthz`);
    const client = new SlipwayClient({ url, token });
    await client.post('/api/v1/training-jobs', {
      trainingJobName: 'penguins-linear',
      algorithmSpecification: { algorithmName: 'linear-learner' },
      hyperParameters: { predictor_type: 'binary_classifier', label: 'sex' },
      inputDataConfig: [
        { channelName: 'train', dataSource: { s3DataSource: { s3Uri: pathToFileURL(data.train).href } } },
      ],
    });
    let job: Record<string, any>;
    do {
      await new Promise((resolve) => setTimeout(resolve, 200));
      job = await client.get(`/api/v1/training-jobs/penguins-linear`);
    } while (job.trainingJobStatus === 'InProgress');
    if (job.trainingJobStatus !== 'Completed') throw new Error(`training failed: ${job.failureReason}`);
    await client.post('/api/v1/models', {
      modelName: 'penguins-onnx',
      primaryContainer: { modelDataUrl: job.modelArtifacts.s3ModelArtifacts },
    });
    await client.post('/api/v1/endpoint-configs', {
      endpointConfigName: 'penguins-onnx',
      productionVariants: [
        { variantName: 'AllTraffic', modelName: 'penguins-onnx', initialInstanceCount: 1 },
      ],
      dataCaptureConfig: {
        initialSamplingPercentage: 100,
        destinationS3Uri: pathToFileURL(join(work.path, 'capture')).href,
        captureOptions: [{ captureMode: 'Input' }, { captureMode: 'Output' }],
      },
    });
    await client.post('/api/v1/endpoints', { endpointName: 'penguins', endpointConfigName: 'penguins-onnx' });
    await waitForHttp(`${url}/endpoints/penguins/ping`, { headers: { authorization: `Bearer ${token}` } });
    const slipwayResult = await measure(
      'Slipway ONNX endpoint (capture on)',
      `${url}/endpoints/penguins/invocations`,
      {
        ...csvHeaders,
        authorization: `Bearer ${token}`,
      },
    );
    await stop(slipway);

    // The ceiling: a bare node:http server with a constant answer.
    const barePort = await freePort();
    const bare = start(
      process.execPath,
      [
        '-e',
        `require('node:http').createServer((q,s)=>{q.resume();q.on('end',()=>{s.writeHead(200,{'content-type':'application/json'});s.end('{"predictions":[{"label":"male","probabilities":[0.1,0.9]}]}')})}).listen(${barePort},'127.0.0.1')`,
      ],
      {},
    );
    children.push(bare);
    await waitForHttp(`http://127.0.0.1:${barePort}/`, { method: 'POST', body: 'x' });
    const bareResult = await measure(
      'bare node:http, constant JSON',
      `http://127.0.0.1:${barePort}/`,
      csvHeaders,
    );
    await stop(bare);

    // The peer: Flask under gunicorn with the scikit-learn model and the walkthrough's handlers.
    const modelDir = join(work.path, 'sklearn-model');
    mkdirSync(modelDir);
    const trainer = start('/usr/bin/python3', [join(root, 'examples', 'penguins', 'code', 'train.py')], {
      SM_MODEL_DIR: modelDir,
      SM_CHANNEL_TRAIN: join(work.path, 'data', 'train'),
    });
    await once(trainer, 'exit');
    const flaskPort = await freePort();
    const flask = start(
      'gunicorn',
      [
        '-w',
        '2',
        '-b',
        `127.0.0.1:${flaskPort}`,
        '--chdir',
        join(root, 'bench', 'fixtures'),
        'flask_app:app',
      ],
      {
        SM_MODEL_DIR: modelDir,
        SAGEMAKER_PROGRAM: 'train.py',
        PYTHONPATH: join(root, 'examples', 'penguins', 'code'),
      },
    );
    children.push(flask);
    await waitForHttp(`http://127.0.0.1:${flaskPort}/ping`);
    const flaskResult = await measure(
      'Flask + gunicorn (2 workers), scikit-learn',
      `http://127.0.0.1:${flaskPort}/invocations`,
      csvHeaders,
    );
    await stop(flask);

    const rows = [slipwayResult, bareResult, flaskResult].map(
      (r) =>
        `| ${r.label} | ${Math.round(r.peak.requestsPerSecond)} | ${fixed(r.half.p99, 1)} | ${r.peak.errors + r.half.errors} |`,
    );
    const ofBare = slipwayResult.peak.requestsPerSecond / bareResult.peak.requestsPerSecond;
    const ofFlask = slipwayResult.peak.requestsPerSecond / flaskResult.peak.requestsPerSecond;
    return {
      title: 'Endpoint throughput and latency (autocannon)',
      markdown: [
        `${connections} connections, ${durationSeconds} s per run, one CSV row per request; p99 measured at 50% of each server's own peak.`,
        '',
        '| server | peak requests/s | p99 at 50% load (ms) | errors |',
        '| --- | --- | --- | --- |',
        ...rows,
        '',
        `Slipway / bare node:http: **${fixed(ofBare)}×** (target ≥ 0.6×). Slipway / Flask+gunicorn: **${fixed(ofFlask)}×** (target ≥ 10×).`,
      ].join('\n'),
    };
  } finally {
    await Promise.allSettled(children.map(stop));
    work.cleanup();
  }
}
